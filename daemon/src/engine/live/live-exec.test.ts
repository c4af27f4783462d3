import { describe, expect, it } from "vitest";
import { restartProcessCommand } from "../../supervisor/supervisor.js";
import type { ServiceLive } from "../../translate/types.js";
import { restart, runRestart } from "./live-exec.js";
import { createTestLoop, testPod } from "./test-loop.js";

const web: ServiceLive = { service: "web", container: "web", restart: "process", seededDirs: ["/app"], rules: [] };

describe("live exec", () => {
  it("restarts the process through the supervisor in each pod", async () => {
    const t = createTestLoop({ web }, [testPod("web-1", "web"), testPod("web-2", "web")]);
    expect(await restart(t.deps, t.loop, web, "web", ["web-1", "web-2"])).toBeUndefined();
    expect(t.exec.calls.map((c) => [c.target.pod, c.command])).toEqual([["web-1", restartProcessCommand()], ["web-2", restartProcessCommand()]]);
    expect(t.deleted).toEqual([]);
  });

  it("replaces the pods when a container has no supervisor (exit 3), and says so", async () => {
    const t = createTestLoop({ web }, [testPod("web-1", "web")]);
    t.exec.respond(() => ({ exitCode: 3, stdout: "", stderr: "" }));
    expect(await restart(t.deps, t.loop, web, "web", ["web-1"])).toBeUndefined();
    expect(t.deleted).toEqual(["shop-dev devloop.dev/project=shop,devloop.dev/service=web"]);
    expect(t.actions.some((a) => a.type === "log" && a.level === "warn" && a.line.includes("without devloop's supervisor"))).toBe(true);
  });

  it("a restart request traces a restart of the running pods and is marked handled", async () => {
    const t = createTestLoop({ web }, [testPod("web-1", "web"), testPod("web-2", "web", { phase: "Pending" })]);
    await runRestart(t.deps, t.loop, "web", { kind: "restart", request: 7 });
    const traced = t.actions.find((a) => a.type === "syncTraced");
    expect(traced?.type === "syncTraced" && traced.trace).toMatchObject({ action: "restart", trigger: "restart", pods: ["web-1"], status: "ok" });
    expect(t.actions.at(-1)).toEqual({ type: "liveRequestHandled", project: "shop", id: 7 });
  });
});
