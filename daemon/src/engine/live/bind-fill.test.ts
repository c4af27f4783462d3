import { describe, expect, it } from "vitest";
import { bindContainerName, bindReadyFile } from "../../translate/bind-mounts.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import { runBind } from "./bind-fill.js";
import { createTestLoop, testPod } from "./test-loop.js";

const rule: LiveRule = { id: "web:bind[0]", action: "sync", path: "/p/data", localRoot: "/p/data", targetDir: "/data", ignore: [], include: [], initialSync: false };
const web: ServiceLive = { service: "web", container: "web", restart: "process", seededDirs: [], rules: [rule], binds: [rule.id] };
const binding = () => testPod("web-1", "web", { phase: "Pending", initRunning: [bindContainerName] });

describe("bind fill", () => {
  it("fills each bind in the init container, records what the pod holds, creates the ready file and sets the pull cursor", async () => {
    const t = createTestLoop({ web }, [binding()]);
    t.loop.pods.takeBinding("web-1");
    t.exec.respond(() => ({ exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await runBind(t.deps, t.loop, web, { kind: "bind", pod: "web-1" });
    expect(t.syncer.calls.map((c) => [c.method, c.params.pod.container])).toEqual([["fullSync", bindContainerName]]);
    expect(t.loop.manifests.of("web-1", rule.id)).toBeDefined();
    expect(t.loop.manifests.latest(rule.id)).toBe(t.loop.manifests.of("web-1", rule.id));
    expect(t.loop.pods.wasFilled("web-1")).toBe(true);
    expect(t.exec.calls[0]?.command.join(" ")).toContain(bindReadyFile);
    expect(t.loop.pulls.since("web-1", rule.id)).toBe(1699999999);
  });

  it("a transient failure leaves the pod waiting, backing off until the retry tick", async () => {
    const t = createTestLoop({ web }, [binding()]);
    t.loop.pods.takeBinding("web-1");
    t.syncer.failNext("connection refused", true);
    await runBind(t.deps, t.loop, web, { kind: "bind", pod: "web-1" });
    expect(t.exec.calls).toEqual([]);
    expect(t.loop.pods.isBound("web-1")).toBe(false);
    expect(t.loop.pods.takeBinding("web-1")).toBe(false);
    expect(t.retries()).toBe(1);
  });
});
