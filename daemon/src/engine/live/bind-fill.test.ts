import { describe, expect, it } from "vitest";
import { bindContainerName, bindReadyFile } from "../../translate/bind-mounts.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import { runBind } from "./bind-fill.js";
import { bindingPods, runningPods, startedUnreadyBindPods, startingBindPods } from "./live-pods.js";
import { createTestLoop, testPod } from "./test-loop.js";

const rule: LiveRule = { id: "web:bind[0]", action: "sync", path: "/p/data", localRoot: "/p/data", targetDir: "/data", ignore: [], include: [], initialSync: false };
const web: ServiceLive = { service: "web", container: "web", restart: "process", seededDirs: [], rules: [rule], binds: [rule.id] };
const binding = () => testPod("web-1", "web", { phase: "Pending", initRunning: [bindContainerName] });
const starting = () => testPod("web-1", "web", { phase: "Pending", initNext: bindContainerName });
const notFound = (): never => { throw Object.assign(new Error("container not found (\"devloop-bind\")"), { transient: true }); };
/** Lets the job's pauses (the fake clock's timers) pass until it is done. */
const drive = async (t: ReturnType<typeof createTestLoop>, job: Promise<void>): Promise<void> => {
  let done = false;
  void job.then(() => { done = true; });
  for (let i = 0; i < 200 && !done; i++) {
    await new Promise((r) => setImmediate(r));
    t.clock.advance(100);
  }
  await job;
};

describe("bind fill", () => {
  it("fills each bind in the init container, records what the pod holds, creates the ready file and sets the pull cursor", async () => {
    const t = createTestLoop({ web }, [binding()]);
    t.loop.pods.takeBinding("web-1");
    t.exec.respond(() => ({ exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await runBind(t.deps, t.loop, web, { kind: "bind", pod: "web-1" });
    expect(t.syncer.calls.map((c) => [c.method, c.params.pod.container])).toEqual([["fullSync", bindContainerName]]);
    // Nothing but devloop writes into the init container's target: one tar while the container finds it empty.
    expect(t.syncer.calls[0]?.params).toMatchObject({ fresh: true });
    expect(t.loop.manifests.of("web-1", rule.id)).toBeDefined();
    expect(t.loop.manifests.latest(rule.id)).toBe(t.loop.manifests.of("web-1", rule.id));
    expect(t.loop.pods.wasFilled("web-1")).toBe(true);
    expect(t.exec.calls[0]?.command.join(" ")).toContain(bindReadyFile);
    expect(t.loop.pulls.since("web-1", rule.id)).toBe(1699999999);
  });

  it("early: a pod whose status does not say devloop-bind runs yet is filled as soon as an exec gets in", async () => {
    const t = createTestLoop({ web }, [starting()]);
    expect(t.loop.pods.takeEarly("web-1")).toBe(true);
    let tries = 0;
    t.exec.respond((call) => (call.command[0] === "true" && ++tries < 3 ? notFound() : { exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await drive(t, runBind(t.deps, t.loop, web, { kind: "bind", pod: "web-1", early: true }));
    expect(t.exec.calls.map((c) => c.command[0])).toEqual(["true", "true", "true", "/bin/sh"]);
    expect(t.syncer.calls.map((c) => c.method)).toEqual(["fullSync"]);
    expect(t.loop.pods.wasFilled("web-1")).toBe(true);
    // Taken once: neither a second early job nor the running path fills it again.
    expect(t.loop.pods.takeEarly("web-1")).toBe(false);
    expect(t.loop.pods.takeBinding("web-1")).toBe(false);
  });

  it("early: when no exec gets in for a while, the pod is left to the fill that starts once it is reported running", async () => {
    const t = createTestLoop({ web }, [starting()]);
    t.loop.pods.takeEarly("web-1");
    t.exec.respond(notFound);
    await drive(t, runBind(t.deps, t.loop, web, { kind: "bind", pod: "web-1", early: true }));
    expect(t.syncer.calls).toEqual([]);
    expect(t.exec.calls.length).toBeGreaterThan(5);
    expect(t.retries()).toBe(1);
    expect(t.loop.pods.takeEarly("web-1")).toBe(false);
    expect(t.loop.pods.takeBinding("web-1")).toBe(true);
  });

  it("the ready file's exec is armed as the fill starts and fired after it; cancelled when the fill must be retried", async () => {
    const t = createTestLoop({ web }, [binding()]);
    t.loop.pods.takeBinding("web-1");
    t.exec.respond(() => ({ exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await runBind({ ...t.deps, armExec: t.exec.arm }, t.loop, web, { kind: "bind", pod: "web-1" });
    expect(t.exec.armed.map((c) => c.command.join(" "))).toEqual([`/bin/sh -c date +%s && : > ${bindReadyFile}`]);
    expect(t.exec.calls.map((c) => c.target.container)).toEqual([bindContainerName]);
    expect(t.loop.pulls.since("web-1", rule.id)).toBe(1699999999);

    const u = createTestLoop({ web }, [binding()]);
    u.loop.pods.takeBinding("web-1");
    u.syncer.failNext("connection refused", true);
    await runBind({ ...u.deps, armExec: u.exec.arm }, u.loop, web, { kind: "bind", pod: "web-1" });
    expect(u.exec.cancelled).toHaveLength(1);
    expect(u.exec.calls).toEqual([]);
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

  it("an app container that waits itself (bind-wait.ts) is filled in place, early too, and is no running pod until it has started", async () => {
    const waiting = testPod("web-1", "web", { bindWaits: ["web"], bindWaiting: ["web"] });
    const t = createTestLoop({ web }, [waiting]);
    expect(bindingPods(t.loop.project, web)).toEqual(["web-1"]);
    expect(runningPods(t.loop.project, web)).toEqual([]);
    t.loop.pods.takeBinding("web-1");
    t.exec.respond(() => ({ exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await runBind(t.deps, t.loop, web, { kind: "bind", pod: "web-1" });
    expect(t.syncer.calls.map((c) => [c.method, c.params.pod.container])).toEqual([["fullSync", "web"]]);
    expect(t.syncer.calls[0]?.params).toMatchObject({ fresh: true });
    expect(t.exec.calls.map((c) => [c.target.container, c.command.join(" ")])).toEqual([["web", `/bin/sh -c date +%s && : > ${bindReadyFile}`]]);

    const next = createTestLoop({ web }, [testPod("web-1", "web", { phase: "Pending", bindWaits: ["web"], bindNext: ["web"] })]);
    expect(startingBindPods(next.loop.project, web)).toEqual(["web-1"]);
    next.loop.pods.takeEarly("web-1");
    next.exec.respond(() => ({ exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await drive(next, runBind(next.deps, next.loop, web, { kind: "bind", pod: "web-1", early: true }));
    expect(next.exec.calls.map((c) => c.target.container)).toEqual(["web", "web"]);
    expect(next.syncer.calls.map((c) => c.params.pod.container)).toEqual(["web"]);

    // Started (its probe passed): a running pod like any other, no bind fill.
    const started = createTestLoop({ web }, [testPod("web-1", "web", { bindWaits: ["web"], running: true })]);
    expect(bindingPods(started.loop.project, web)).toEqual([]);
    expect(runningPods(started.loop.project, web)).toEqual(["web-1"]);
    expect(startedUnreadyBindPods(started.loop.project, web)).toEqual([]);
    // Started and not ready (kubernetes#95140: the kubelet may take a minute): the one the controller annotates.
    const unready = createTestLoop({ web }, [testPod("web-1", "web", { bindWaits: ["web"], running: true, ready: false }), testPod("web-2", "web", { running: true, ready: false })]);
    expect(startedUnreadyBindPods(unready.loop.project, web)).toEqual(["web-1"]);
    expect(startedUnreadyBindPods(createTestLoop({ web }, [waiting]).loop.project, web)).toEqual([]);
  });
});
