import { describe, expect, it } from "vitest";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import { runChange } from "./live-batch.js";
import { createTestLoop, testPod } from "./test-loop.js";

const rule: LiveRule = { id: "web:watch[0]", action: "sync", path: "/p/src", localRoot: "/p/src", targetDir: "/app/src", ignore: [], include: [], initialSync: false };
const web: ServiceLive = { service: "web", container: "web", restart: "process", seededDirs: [], rules: [rule] };
const job = (paths: string[]) => ({ kind: "change" as const, rule, paths: new Set(paths), firstEventAt: 0, closedAt: 30, storm: false });

describe("live batch", () => {
  it("syncs into the known running pods only, from what each holds, and records what they hold now", async () => {
    const t = createTestLoop({ web }, [testPod("web-1", "web"), testPod("web-2", "web")]);
    t.loop.pods.takeRunning("web-1");
    await runChange(t.deps, t.loop, web, job(["/p/src/a.js"]));
    expect(t.syncer.calls.map((c) => c.params.pod.pod)).toEqual(["web-1"]);
    const held = t.loop.manifests.of("web-1", rule.id);
    expect(held?.has("a.js")).toBe(true);
    await runChange(t.deps, t.loop, web, job(["/p/src/b.js"]));
    const second = t.syncer.calls[1];
    expect(second?.method === "sync" && second.params.previous).toBe(held);
  });

  it("a pod whose sync failed is forgotten, and the batch's paths count as possibly held by it", async () => {
    const t = createTestLoop({ web }, [testPod("web-1", "web")]);
    t.loop.pods.takeRunning("web-1");
    t.syncer.failNext("connection reset", true);
    await runChange(t.deps, t.loop, web, job(["/p/src/new.js"]));
    expect(t.loop.pods.isKnown("web-1")).toBe(false);
    expect(t.loop.manifests.latest(rule.id).has("new.js")).toBe(true);
    expect(t.retries()).toBe(1);
    const traced = t.actions.find((a) => a.type === "syncTraced");
    expect(traced?.type === "syncTraced" && traced.trace.status).toBe("failed");
  });
});
