import { describe, expect, it } from "vitest";
import { bindContainerName, bindReadyFile } from "../../translate/bind-mounts.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import { createFakeNodeVolumes } from "../../ports/fakes/fake-node-volumes.js";
import { diskDetail, runBind } from "./bind-fill.js";
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

describe("bind fill through this machine's disk (bind-disk-fill.ts)", () => {
  const volume = { dir: "/k/pods/u/volumes/kubernetes.io~empty-dir/web-bind-0", inode: 42 };
  const fakeVolumes = (opts: { away?: boolean; held?: boolean } = {}) => { const v = createFakeNodeVolumes(volume, opts); return { nodeVolumes: v, chowns: v.chowns, release: () => v.release() }; };
  const probeOut = (uid: number, inode = 42) => `${uid}\n${uid}\n${inode} /data\n`;
  const isProbe = (command: readonly string[]): boolean => command[2]?.includes("id -u") === true;
  const hostDirs = (t: ReturnType<typeof createTestLoop>): (string | undefined)[] => t.syncer.calls.map((c) => (c.method === "fullSync" ? c.params.hostDir : "not a fill"));

  it("a pod on a kubelet of this machine gets its tree written into the volume, given to the container's user; its first exec is the probe", async () => {
    const t = createTestLoop({ web }, [starting()]);
    t.loop.pods.takeEarly("web-1");
    const v = fakeVolumes();
    t.exec.respond((call) => (isProbe(call.command) ? { exitCode: 0, stdout: probeOut(1000), stderr: "" } : { exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await drive(t, runBind({ ...t.deps, nodeVolumes: v.nodeVolumes }, t.loop, web, { kind: "bind", pod: "web-1", early: true }));
    expect(t.syncer.calls.map((c) => c.params)).toMatchObject([{ fresh: true, hostDir: volume.dir, targetDir: "/data" }]);
    expect(v.chowns).toEqual([[volume.dir, 1000, 1000]]);
    expect(t.exec.calls.map((c) => (isProbe(c.command) ? "probe" : "ready"))).toEqual(["probe", "ready"]);
    expect(t.loop.manifests.of("web-1", rule.id)).toBeDefined();
    expect(t.loop.pods.wasFilled("web-1")).toBe(true);
    const traced = t.actions.find((a) => a.type === "syncTraced");
    expect(traced?.type === "syncTraced" && traced.trace.steps.some((s) => s.step === "sync" && s.detail === diskDetail)).toBe(true);
    expect(traced?.type === "syncTraced" && traced.trace.error).toBeUndefined();
  });

  it("a root container's tree is left as written (root's); a container that does not see the volume is filled over exec, with a warning", async () => {
    const root = createTestLoop({ web }, [binding()]);
    root.loop.pods.takeBinding("web-1");
    const r = fakeVolumes();
    root.exec.respond((call) => (isProbe(call.command) ? { exitCode: 0, stdout: probeOut(0), stderr: "" } : { exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await runBind({ ...root.deps, nodeVolumes: r.nodeVolumes }, root.loop, web, { kind: "bind", pod: "web-1" });
    expect(r.chowns).toEqual([]);
    expect(root.syncer.calls).toHaveLength(1);

    const t = createTestLoop({ web }, [binding()]);
    t.loop.pods.takeBinding("web-1");
    const v = fakeVolumes();
    t.exec.respond((call) => (isProbe(call.command) ? { exitCode: 0, stdout: probeOut(1000, 7), stderr: "" } : { exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    await runBind({ ...t.deps, nodeVolumes: v.nodeVolumes }, t.loop, web, { kind: "bind", pod: "web-1" });
    expect(hostDirs(t)).toEqual([volume.dir, undefined]);
    expect(v.chowns).toEqual([]);
    expect(t.actions.some((a) => a.type === "log" && a.level === "warn" && a.line.includes("does not see"))).toBe(true);
    expect(t.loop.pods.wasFilled("web-1")).toBe(true);
  });

  it("no exec is tried while the tree is written; a pod that is not on this machine is filled over exec once one gets in", async () => {
    const t = createTestLoop({ web }, [starting()]);
    t.loop.pods.takeEarly("web-1");
    const v = fakeVolumes({ held: true });
    let done = false;
    let writes = (): void => undefined;
    const fullSync = t.syncer.fullSync.bind(t.syncer);
    const slow = { ...t.syncer, fullSync: async (p: Parameters<typeof fullSync>[0]) => { await new Promise<void>((r) => { writes = r; }); return fullSync(p); } };
    t.exec.respond((call) => (isProbe(call.command) ? (done ? { exitCode: 0, stdout: probeOut(0), stderr: "" } : notFound()) : { exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    const job = runBind({ ...t.deps, syncer: slow, nodeVolumes: v.nodeVolumes }, t.loop, web, { kind: "bind", pod: "web-1", early: true });
    for (let i = 0; i < 5; i++) { await new Promise((r) => setImmediate(r)); t.clock.advance(100); }
    const before = t.exec.calls.length;
    v.release();
    for (let i = 0; i < 30; i++) { await new Promise((r) => setImmediate(r)); t.clock.advance(100); }
    // The volume was found, its tree is being written: no more tries meanwhile.
    expect(t.exec.calls.length).toBe(before + 1);
    done = true;
    writes();
    await drive(t, job);
    expect(t.loop.pods.wasFilled("web-1")).toBe(true);

    const away = createTestLoop({ web }, [starting()]);
    away.loop.pods.takeEarly("web-1");
    let tries = 0;
    away.exec.respond((call) => (isProbe(call.command) && ++tries < 3 ? notFound() : { exitCode: 0, stdout: isProbe(call.command) ? probeOut(0) : "1700000000\n", stderr: "" }));
    await drive(away, runBind({ ...away.deps, nodeVolumes: fakeVolumes({ away: true }).nodeVolumes }, away.loop, web, { kind: "bind", pod: "web-1", early: true }));
    expect(hostDirs(away)).toEqual([undefined]);
    expect(away.exec.calls.map((c) => (isProbe(c.command) ? "probe" : "ready"))).toEqual(["probe", "probe", "probe", "ready"]);
    expect(away.loop.pods.wasFilled("web-1")).toBe(true);
  });
});
