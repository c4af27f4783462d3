/** The sync controller on the real store and reducer, with fake watcher, syncer, compiler, exec and cluster. */
import { describe, expect, it, vi } from "vitest";
import type { CompileSpec } from "../../compile/compile-spec.js";
import type { ObservedObject } from "../../ports/cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakeCompiler } from "../../ports/fakes/fake-compiler.js";
import { createFakeContainerExec } from "../../ports/fakes/fake-container-exec.js";
import { createFakeFileWatcher } from "../../ports/fakes/fake-file-watcher.js";
import { createFakeManifestStore } from "../../ports/fakes/fake-manifest-store.js";
import type { FakeManifestStore } from "../../ports/fakes/fake-manifest-store.js";
import { createFakePuller } from "../../ports/fakes/fake-puller.js";
import { createFakeSyncer } from "../../ports/fakes/fake-syncer.js";
import type { PathFilter } from "../../sync/path-filter.js";
import { restartProcessCommand } from "../../supervisor/supervisor.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import type { Action } from "../actions.js";
import { createEngine } from "../engine.js";
import { serviceViews } from "../selectors.js";
import type { ProjectRequest } from "../state.js";
import { createSyncController } from "./sync-controller.js";
import { shopProject } from "./test-project.js";

const request: ProjectRequest = { name: "shop", options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, isolation: true };

const rule = (i: number, over: Partial<LiveRule>): LiveRule => ({
  id: `web:watch[${i}]`, action: "sync", path: "/p/web/src", localRoot: "/p/web/src", targetDir: "/app/src", ignore: [], include: [], initialSync: false, ...over,
});
const compile: CompileSpec = { service: "api", image: "golang", command: ["go", "build"], workdir: "/src", output: "/out/api", target: "/app/api", source: "/p/api", cache: [], env: {} };
const live: Record<string, ServiceLive> = {
  web: {
    service: "web", container: "web", restart: "process", seededDirs: ["/app"],
    rules: [
      rule(0, {}),
      rule(1, { action: "sync+restart", path: "/p/web/config", localRoot: "/p/web/config", targetDir: "/app/config" }),
      rule(2, { action: "sync+exec", path: "/p/web/package.json", localRoot: "/p/web", targetDir: "/app", only: "package.json", exec: { command: ["npm", "install"], environment: { CI: "1" } } }),
      (({ targetDir: _t, ...r }) => r)(rule(3, { action: "rebuild", path: "/p/web/Dockerfile", localRoot: "/p/web" })),
    ],
  },
  api: { service: "api", container: "api", restart: "process", seededDirs: ["/app"], rules: [], compile },
};

const pod = (name: string, service: string, over: Partial<NonNullable<ObservedObject["pod"]>> = {}): ObservedObject => ({
  kind: "Pod", name, namespace: "shop-dev", labels: { "devloop.dev/service": service },
  pod: { phase: "Running", ready: true, restarts: 0, containers: [service], deleting: false, ...over },
});

const setup = (specs: Record<string, ServiceLive> = live, options: { readonly arm?: boolean; readonly manifests?: FakeManifestStore; readonly annotatePod?: (namespace: string, pod: string, annotations: Readonly<Record<string, string>>) => Promise<void> } = {}) => {
  const clock = createFakeClock();
  const watcher = createFakeFileWatcher();
  const syncer = createFakeSyncer();
  const compiler = createFakeCompiler();
  const exec = createFakeContainerExec();
  const cluster = createFakeCluster();
  const puller = createFakePuller();
  const manifests = options.manifests ?? createFakeManifestStore();
  const deleted: string[] = [];
  const deleteByLabel = (namespace: string, selector: string, kinds: readonly string[]): Promise<readonly []> => {
    deleted.push(`${namespace} ${selector} ${kinds.join(",")}`);
    return Promise.resolve([]);
  };
  const allow: PathFilter = () => true;
  const controller = createSyncController({
    watcher, syncer, compiler, exec: exec.exec, ...(options.arm === true ? { armExec: exec.arm } : {}), cluster: { deleteByLabel, ...(options.annotatePod === undefined ? {} : { annotatePod: options.annotatePod }) }, clock, puller, manifests,
    ruleFilter: () => Promise.resolve(allow), sourceFilter: () => Promise.resolve(allow),
  });
  const actions: Action[] = [];
  const engine = createEngine({ clock, controllers: [controller], onBatch: (_s, batch) => { actions.push(...batch); } });
  engine.dispatch({ type: "projectRequested", request });
  engine.dispatch({ type: "projectLoaded", project: "shop", generation: 1, loaded: { ...shopProject(), live: specs }, hashes: {} });
  const observe = (objects: ObservedObject[]): void => engine.dispatch({ type: "objectsObserved", project: "shop", namespace: "shop-dev", event: { type: "sync", namespace: "shop-dev", objects } });
  const traces = () => engine.getState().projects["shop"]?.traces ?? [];
  const warnings = (): string[] => actions.flatMap((a) => (a.type === "log" && a.level === "warn" ? [a.line] : []));
  return { clock, watcher, syncer, compiler, exec, cluster, puller, manifests, deleted, engine, observe, traces, warnings };
};

const change = (rootId: string, path: string) => ({ rootId, path, kind: "change" as const });

describe("sync controller", () => {
  it("watches every rule and compile source, and reconciles each running pod it has not synced", async () => {
    const t = setup();
    await vi.waitFor(() => expect(t.watcher.roots.map((r) => r.id)).toEqual(["web:watch[0]", "web:watch[1]", "web:watch[2]", "web:watch[3]", "api:compile"]));
    // The file rule's root is the file itself: no filter there.
    expect(t.watcher.roots[2]?.filter).toBeUndefined();
    t.observe([pod("web-1", "web"), pod("api-1", "api"), pod("web-0", "web", { phase: "Pending" })]);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.trigger === "pod")).toHaveLength(2));
    const reconciles = t.syncer.calls.filter((c) => c.method === "reconcile");
    expect(reconciles.map((c) => `${c.params.pod.pod}:${c.params.targetDir}`)).toEqual(["web-1:/app/src", "web-1:/app/config", "web-1:/app"]);
    // Nothing differed (the fake puts nothing for an empty manifest): no restart, no exec.
    expect(t.exec.calls).toEqual([]);
  });

  it("syncs a batch into every known pod, keeps the manifest for the next batch, and traces it", async () => {
    const t = setup();
    t.observe([pod("web-1", "web"), pod("web-2", "web")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(2));
    t.clock.advance(10);
    t.watcher.emit([change("web:watch[0]", "/p/web/src/a.js")], t.clock.now() - 10);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(3));
    const syncs = t.syncer.calls.filter((c) => c.method === "sync");
    expect(syncs.map((c) => c.params.pod.pod).sort()).toEqual(["web-1", "web-2"]);
    const trace = t.traces()[2]!;
    expect(trace).toMatchObject({ service: "web", trigger: "change", rule: "web:watch[0]", action: "sync", files: ["a.js"], fileCount: 1, status: "ok" });
    expect(trace.steps.map((s) => s.step)).toEqual(["wait", "sync"]);
    t.watcher.emit([change("web:watch[0]", "/p/web/src/b.js")]);
    await vi.waitFor(() => expect(t.syncer.calls.filter((c) => c.method === "sync")).toHaveLength(4));
    const last = t.syncer.calls.filter((c) => c.method === "sync").at(-1);
    expect(last?.method === "sync" && [...last.params.previous.keys()]).toEqual(["a.js"]);
    expect(t.exec.calls).toEqual([]);
  });

  it("sync+restart restarts the process through the supervisor; sync+exec runs the command in the target's context", async () => {
    const t = setup();
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(1));
    t.watcher.emit([change("web:watch[1]", "/p/web/config/settings.json")]);
    await vi.waitFor(() => expect(t.exec.calls).toHaveLength(1));
    expect(t.exec.calls[0]?.command).toEqual(restartProcessCommand());
    t.watcher.emit([change("web:watch[2]", "/p/web/package.json")]);
    await vi.waitFor(() => expect(t.exec.calls).toHaveLength(2));
    expect(t.exec.calls[1]?.command).toEqual(["/bin/sh", "-c", 'cd -- "$0" && exec env "$@"', ".", "CI=1", "npm", "install"]);
    await vi.waitFor(() => expect(t.traces().map((x) => x.steps.map((s) => s.step).join(">"))).toEqual(["sync", "wait>sync>restart", "wait>sync>exec"]));
  });

  it("falls back to replacing the pods when the container has no supervisor (exit 3)", async () => {
    const t = setup();
    t.exec.respond(() => ({ exitCode: 3, stdout: "", stderr: "" }));
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(1));
    t.watcher.emit([change("web:watch[1]", "/p/web/config/settings.json")]);
    await vi.waitFor(() => expect(t.deleted).toEqual(["shop-dev devloop.dev/project=shop,devloop.dev/service=web Pod"]));
  });

  it("a rebuild rule asks for a reload (the image is rebuilt and rolled out)", async () => {
    const t = setup();
    await vi.waitFor(() => expect(t.watcher.open).toBe(true));
    const before = t.engine.getState().projects["shop"]!.generation;
    t.watcher.emit([change("web:watch[3]", "/p/web/Dockerfile")]);
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.engine.getState().projects["shop"]!.generation).toBe(before + 1));
  });

  it("a compile error keeps the running version and is traced; a good compile puts the artifact and restarts; a new pod gets it too", async () => {
    const t = setup();
    t.observe([pod("api-1", "api")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(1));
    t.compiler.failNext(2, "./main.go:4:2: undefined: x");
    t.watcher.emit([change("api:compile", "/p/api/main.go")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(2));
    expect(t.traces()[1]).toMatchObject({ action: "compile", status: "failed", error: "compile failed: exit 2 (the running version stays)" });
    expect(t.syncer.calls.some((c) => c.method === "putFiles")).toBe(false);
    expect(t.exec.calls).toEqual([]);
    t.watcher.emit([change("api:compile", "/p/api/main.go")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(3));
    expect(t.traces()[2]).toMatchObject({ action: "compile", status: "ok", files: ["main.go"] });
    expect(t.traces()[2]!.steps.find((s) => s.step === "sync")?.detail).toMatch(/^\/app\/api \(0\.0 MiB\) → api-1$/);
    expect(t.traces()[2]!.steps.map((s) => s.step)).toEqual(["wait", "compile", "sync", "restart"]);
    const put = t.syncer.calls.find((c) => c.method === "putFiles");
    expect(put?.method === "putFiles" && [put.params.targetDir, put.params.files[0]?.name, put.params.files[0]?.mode]).toEqual(["/app", "api", 0o755]);
    // The pod is replaced: the new one gets the artifact and a restart, the old one is forgotten.
    t.observe([pod("api-2", "api")]);
    await vi.waitFor(() => expect(t.syncer.calls.filter((c) => c.method === "putFiles").map((c) => c.params.pod.pod)).toEqual(["api-1", "api-2"]));
    await vi.waitFor(() => expect(t.exec.calls.map((c) => c.target.pod)).toEqual(["api-1", "api-2"]));
  });

  it("with armExec, a compile's restarts are armed while it compiles and fired once the artifact is put; a failed put or compile cancels them", async () => {
    const t = setup(live, { arm: true });
    t.observe([pod("api-1", "api"), pod("api-2", "api")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(2));
    t.watcher.emit([change("api:compile", "/p/api/main.go")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(3));
    expect(t.traces()[2]).toMatchObject({ action: "compile", status: "ok" });
    expect(t.exec.armed.map((c) => [c.target.pod, c.command])).toEqual([["api-1", restartProcessCommand()], ["api-2", restartProcessCommand()]]);
    expect(t.exec.calls.map((c) => c.target.pod).sort()).toEqual(["api-1", "api-2"]);
    // One pod's put fails: its armed restart is cancelled, the other pod restarts.
    t.syncer.failNext("sync into shop-dev/api-1:/app: connection lost", true);
    t.watcher.emit([change("api:compile", "/p/api/main.go")]);
    const compiles = () => t.traces().filter((x) => x.action === "compile");
    await vi.waitFor(() => expect(compiles()).toHaveLength(2));
    expect(compiles()[1]).toMatchObject({ status: "failed", error: "sync into shop-dev/api-1:/app: connection lost" });
    expect(t.exec.cancelled.map((c) => c.target.pod)).toEqual(["api-1"]);
    expect(t.exec.calls.slice(2, 3).map((c) => c.target.pod)).toEqual(["api-2"]);
    // (api-1 is forgotten and reconciled: artifact and a plain restart, not armed.)
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "reconcile" && x.pods[0] === "api-1")).toHaveLength(2));
    // A compile that fails cancels what it armed; nothing runs.
    const calls = t.exec.calls.length;
    t.compiler.failNext(2, "./main.go:4:2: undefined: x");
    t.watcher.emit([change("api:compile", "/p/api/main.go")]);
    await vi.waitFor(() => expect(compiles()).toHaveLength(3));
    expect(t.exec.armed).toHaveLength(6);
    expect(t.exec.cancelled.map((c) => c.target.pod)).toEqual(["api-1", "api-1", "api-2"]);
    expect(t.exec.calls).toHaveLength(calls);
  });

  it("fills a new pod's bind mounts in its devloop-bind init container, then lets it start; once running only edits made meanwhile are sent", async () => {
    const bindRule = rule(0, { id: "web:bind[0]", path: "/p/web", localRoot: "/p/web", targetDir: "/code", ignore: ["/node_modules/"], initialSync: true });
    const t = setup({ web: { service: "web", container: "web", restart: "none", seededDirs: ["/code"], rules: [bindRule], binds: ["web:bind[0]"] } });
    await vi.waitFor(() => expect(t.watcher.roots.map((r) => r.id)).toEqual(["web:bind[0]"]));
    // No pod yet (a first up): the tree is scanned and packed while the pod is scheduled and started.
    expect(t.syncer.prepared).toEqual(["/p/web"]);
    t.observe([pod("web-1", "web", { phase: "Pending", ready: false, initRunning: ["devloop-bind"] })]);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "bind")).toHaveLength(1));
    expect(t.traces()[0]).toMatchObject({ service: "web", trigger: "pod", action: "bind", pods: ["web-1"], status: "ok" });
    // Everything goes into the init container (a new emptyDir: no listing), then the ready file lets the pod go on.
    expect(t.syncer.calls.map((c) => [c.method, c.params.pod.container, c.params.targetDir])).toEqual([["fullSync", "devloop-bind", "/code"]]);
    expect(t.exec.calls.map((c) => [c.target.container, c.command.join(" ")])).toEqual([["devloop-bind", "/bin/sh -c date +%s && : > /.devloop-bind/ready"]]);
    // Seen again while still initialising: not filled twice.
    t.observe([pod("web-1", "web", { phase: "Pending", ready: false, initRunning: ["devloop-bind"] })]);
    // Running: its manifest is known, so the local tree is walked against it (rescan), not listed in the container again.
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.syncer.calls).toHaveLength(2));
    expect(t.syncer.calls[1]).toMatchObject({ method: "sync", params: { rescan: true, paths: [], targetDir: "/code", pod: { container: "web" } } });
    // A later reconcile (resync) lists the container as usual.
    t.engine.dispatch({ type: "liveRequested", project: "shop", kind: "resync", at: 0 });
    await vi.waitFor(() => expect(t.syncer.calls.map((c) => c.method)).toContain("reconcile"));
  });

  it("annotates a pod whose app started after its fill but is not Ready (kubernetes#95140) once; a failed annotation is said, not retried", async () => {
    const bindRule = rule(0, { id: "web:bind[0]", path: "/p/web", localRoot: "/p/web", targetDir: "/code" });
    const annotated: string[] = [];
    const t = setup({ web: { service: "web", container: "web", restart: "none", seededDirs: [], rules: [bindRule], binds: ["web:bind[0]"] } }, {
      annotatePod: (_namespace, name, annotations) => { annotated.push(`${name} ${JSON.stringify(annotations)}`); return Promise.reject(new Error("pods \"web-1\" is forbidden: cannot patch")); },
    });
    await vi.waitFor(() => expect(t.watcher.roots.map((r) => r.id)).toEqual(["web:bind[0]"]));
    t.observe([pod("web-1", "web", { ready: false, running: true, bindWaits: ["web"] })]);
    t.observe([pod("web-1", "web", { ready: false, running: true, bindWaits: ["web"] })]);
    await vi.waitFor(() => expect(t.warnings().some((l) => l.includes("could not annotate web-1"))).toBe(true));
    expect(annotated).toEqual(['web-1 {"devloop.dev/bind-filled":"true"}']);
    expect(t.warnings().filter((l) => l.includes("could not annotate"))).toEqual([
      'could not annotate web-1 once its bind fill was in (pods "web-1" is forbidden: cannot patch): it shows Ready on the kubelet\'s next pod sync, up to a minute later (kubernetes#95140)',
    ]);
  });

  it("lets the pod start when a bind's source cannot be put (a socket, say), and says why", async () => {
    const bindRule = rule(0, { id: "web:bind[0]", path: "/var/run/docker.sock", localRoot: "/var/run/docker.sock", targetDir: "/var/run/docker.sock" });
    const t = setup({ web: { service: "web", container: "web", restart: "none", seededDirs: [], rules: [bindRule], binds: ["web:bind[0]"] } });
    t.syncer.failNext("ENOTDIR: not a directory, scandir '/var/run/docker.sock'", false);
    t.observe([pod("web-1", "web", { phase: "Pending", ready: false, initRunning: ["devloop-bind"] })]);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "bind")).toHaveLength(1));
    expect(t.traces()[0]).toMatchObject({ status: "failed", error: "/var/run/docker.sock starts without /var/run/docker.sock: ENOTDIR: not a directory, scandir '/var/run/docker.sock'" });
    expect(t.exec.calls.map((c) => c.target.container)).toEqual(["devloop-bind"]);
  });

  it("brings back what the container writes into a writable bind: a look every 2 s from the clock it started with", async () => {
    const bindRule = rule(0, { id: "web:bind[0]", path: "/p/web", localRoot: "/p/web", targetDir: "/code", pull: { hidden: ["node_modules"] } });
    const roRule = rule(1, { id: "web:bind[1]", path: "/p/conf", localRoot: "/p/conf", targetDir: "/etc/app" });
    const t = setup({ web: { service: "web", container: "web", restart: "none", seededDirs: [], rules: [bindRule, roRule], binds: ["web:bind[0]", "web:bind[1]"] } });
    t.exec.respond(() => ({ exitCode: 0, stdout: "1700000000\n", stderr: "" }));
    t.observe([pod("web-1", "web", { phase: "Pending", ready: false, initRunning: ["devloop-bind"] })]);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "bind")).toHaveLength(1));
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "reconcile")).toHaveLength(1));
    t.puller.next({ pulled: ["db/migrations/001.sql"], conflicts: ["app.js"] });
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "pull")).toHaveLength(1));
    // Only the writable bind, from just before the container started, with the mounts inside it left out.
    expect(t.puller.calls.map((c) => [c.targetDir, c.since, c.prune, c.pod.container])).toEqual([["/code", 1_699_999_999, ["node_modules"], "web"]]);
    expect(t.traces().find((x) => x.action === "pull")).toMatchObject({ files: ["db/migrations/001.sql"], pods: ["web-1"], error: "conflict (host kept): app.js" });
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.puller.calls).toHaveLength(2));
    expect(t.puller.calls[1]?.since).toBe(1_002);
  });

  it("a devloop run pod of a service with binds is a target of its binds only: filled, synced and pulled from through devloop-run-binds while it runs, looked at once more when its command ended", async () => {
    const bindRule = rule(0, { id: "web:bind[0]", path: "/p/web", localRoot: "/p/web", targetDir: "/code", pull: { hidden: [] }, initialSync: true });
    const watchRule = rule(1, { action: "sync+restart", path: "/p/web/config", localRoot: "/p/web/config", targetDir: "/etc/web" });
    const t = setup({ web: { service: "web", container: "web", restart: "process", seededDirs: ["/code"], rules: [bindRule, watchRule], binds: ["web:bind[0]"] } });
    t.exec.respond((c) => ({ exitCode: 0, stdout: c.command.join(" ").includes("date") ? "1700000000\n" : "", stderr: "" }));
    const runLabels = { "devloop.dev/project": "shop", "devloop.dev/run": "web" };
    const runPod = (over: Partial<NonNullable<ObservedObject["pod"]>> = {}): ObservedObject => ({ ...pod("shop-web-run-x1", "web", { containers: ["web", "devloop-run-binds"], ...over }), labels: runLabels });
    t.observe([pod("web-1", "web"), runPod({ phase: "Pending", ready: false, initRunning: ["devloop-bind"] })]);
    // Put into the run pod's devloop-bind like a new pod of the service, then its ready file.
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "bind")).toHaveLength(1));
    expect(t.traces().find((x) => x.action === "bind")).toMatchObject({ service: "web", pods: ["shop-web-run-x1"], status: "ok" });
    expect(t.syncer.calls.filter((c) => c.params.pod.pod === "shop-web-run-x1").map((c) => [c.method, c.params.pod.container, c.params.targetDir])).toEqual([["fullSync", "devloop-bind", "/code"]]);
    t.observe([pod("web-1", "web"), runPod()]);
    // Running: only the bind's target is brought in line (the watch rule's /etc/web is the service's, not run's),
    // through devloop-run-binds, which mounts the binds as the command's container does.
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "reconcile" && x.pods.includes("shop-web-run-x1"))).toHaveLength(1));
    expect(t.syncer.calls.filter((c) => c.params.pod.pod === "shop-web-run-x1" && c.method !== "fullSync").map((c) => [c.method, c.params.pod.container, c.params.targetDir])).toEqual([["sync", "devloop-run-binds", "/code"]]);
    // An edit in the bind reaches both pods; one under the watch rule only the service's pod, restarted alone.
    const before = t.syncer.calls.length;
    t.watcher.emit([change("web:bind[0]", "/p/web/app.js")]);
    await vi.waitFor(() => expect(t.syncer.calls.slice(before).map((c) => c.params.pod.pod).sort()).toEqual(["shop-web-run-x1", "web-1"]));
    const mid = t.syncer.calls.length;
    t.watcher.emit([change("web:watch[1]", "/p/web/config/a.json")]);
    await vi.waitFor(() => expect(t.syncer.calls.slice(mid).map((c) => c.params.pod.pod)).toEqual(["web-1"]));
    await vi.waitFor(() => expect(t.exec.calls.filter((c) => c.command.join(" ") === restartProcessCommand().join(" ")).map((c) => c.target.pod)).toEqual(["web-1"]));
    // What the run's command writes into the bind comes back, as from the service's pod, from the clock it started with.
    // (web-1 was running before this daemon saw it, so its reconcile looked at it whole first.)
    expect(t.puller.calls.map((c) => [c.pod.pod, c.since])).toEqual([["web-1", 0]]);
    t.puller.next({ pulled: ["db/migrations/001.sql"] });
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.puller.calls.slice(1).map((c) => c.pod.pod).sort()).toEqual(["shop-web-run-x1", "web-1"]));
    expect(t.puller.calls.find((c) => c.pod.pod === "shop-web-run-x1")).toMatchObject({ targetDir: "/code", since: 1_699_999_999, pod: { container: "devloop-run-binds" } });
    // Not a pod of the service: status does not count it.
    const shop = t.engine.getState().projects["shop"];
    if (shop === undefined) throw new Error("no project");
    expect(shop.objects["Pod/shop-web-run-x1"]).toBeDefined();
    expect(serviceViews(shop)["web"]?.pods).toEqual(["web-1"]);
    // The command ended (devloop-run-binds still runs): one more look at once, not at the next tick, then the done file.
    const looks = t.puller.calls.length;
    const ended = runPod({ running: false, lastExit: { container: "web", exitCode: 0, reason: "Completed", now: true } });
    t.observe([pod("web-1", "web"), ended]);
    await vi.waitFor(() => expect(t.exec.calls.filter((c) => c.command.join(" ").includes("/.devloop-bind/done"))).toHaveLength(1));
    expect(t.puller.calls.slice(looks).map((c) => [c.pod.pod, c.pod.container])).toEqual([["shop-web-run-x1", "devloop-run-binds"]]);
    expect(t.exec.calls.find((c) => c.command.join(" ").includes("/.devloop-bind/done"))?.target).toMatchObject({ pod: "shop-web-run-x1", container: "devloop-run-binds" });
    // Seen again: once only.
    t.observe([pod("web-1", "web"), { ...ended }]);
    // Deleted by devloop run: no more looks at it.
    t.observe([pod("web-1", "web")]);
    const after = t.puller.calls.length;
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.puller.calls).toHaveLength(after + 1));
    expect(t.puller.calls[after]?.pod.pod).toBe("web-1");
    expect(t.exec.calls.filter((c) => c.command.join(" ").includes("/.devloop-bind/done"))).toHaveLength(1);
  });

  it("after a daemon restart: a pod it never filled has its writable bind looked at whole (since 0) before the reconcile, and a run pod whose command ended meanwhile gets that whole look before its done file", async () => {
    const bindRule = rule(0, { id: "web:bind[0]", path: "/p/web", localRoot: "/p/web", targetDir: "/code", pull: { hidden: [] } });
    const t = setup({ web: { service: "web", container: "web", restart: "none", seededDirs: [], rules: [bindRule], binds: ["web:bind[0]"] } });
    t.exec.respond(() => ({ exitCode: 0, stdout: "", stderr: "" }));
    // Already running when this daemon first sees it: what its container wrote while no daemon ran comes back first.
    t.puller.next({ pulled: ["db/written-meanwhile.sql"] });
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.traces().map((x) => x.action)).toEqual(["pull", "reconcile"]));
    expect(t.puller.calls.map((c) => [c.pod.pod, c.since])).toEqual([["web-1", 0]]);
    // Then from the clock that look returned.
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.puller.calls).toHaveLength(2));
    expect(t.puller.calls[1]?.since).toBe(1_002);
    // A look that left files for later (over the per-look cap): the next one starts from the same clock.
    t.puller.next({ deferred: 3 });
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.puller.calls).toHaveLength(3));
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.puller.calls).toHaveLength(4));
    expect(t.puller.calls.slice(2).map((c) => c.since)).toEqual([1_004, 1_004]);
    // A run pod whose command ended before this daemon looked at it: a whole look, then the done file.
    const ended: ObservedObject = {
      ...pod("shop-web-run-x3", "web", { containers: ["web", "devloop-run-binds"], running: false, lastExit: { container: "web", exitCode: 0, reason: "Completed", now: true } }),
      labels: { "devloop.dev/project": "shop", "devloop.dev/run": "web" },
    };
    const looks = t.puller.calls.length;
    t.observe([pod("web-1", "web"), ended]);
    await vi.waitFor(() => expect(t.exec.calls.filter((c) => c.command.join(" ").includes("/.devloop-bind/done"))).toHaveLength(1));
    // Its reconcile (nothing filled it here) looks at it whole; the look after its end goes on from that clock.
    const x3 = t.puller.calls.slice(looks).filter((c) => c.pod.pod === "shop-web-run-x3");
    expect(x3.map((c) => [c.pod.container, c.since === 0 ? 0 : "the clock its first look returned"])).toEqual([["devloop-run-binds", 0], ["devloop-run-binds", "the clock its first look returned"]]);
    expect(x3[1]?.since).toBeGreaterThan(1_000);
  });

  it("a devloop run pod of a service without binds is left alone", async () => {
    const t = setup();
    t.observe([{ ...pod("shop-web-run-x2", "web"), labels: { "devloop.dev/project": "shop", "devloop.dev/run": "web" } }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.syncer.calls).toEqual([]);
    expect(t.traces()).toEqual([]);
  });

  it("leaves a pod waiting in devloop-bind when its tree cannot be put, and tries again after a transient failure", async () => {
    const bindRule = rule(0, { id: "web:bind[0]", path: "/p/web", localRoot: "/p/web", targetDir: "/code" });
    const t = setup({ web: { service: "web", container: "web", restart: "none", seededDirs: ["/code"], rules: [bindRule], binds: ["web:bind[0]"] } });
    t.syncer.failNext("sync into shop-dev/web-1:/code: connection lost", true);
    t.observe([pod("web-1", "web", { phase: "Pending", ready: false, initRunning: ["devloop-bind"] })]);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "bind" && x.status === "failed")).toHaveLength(1));
    // Forgotten, so the next look (the trace's own state change, or the retry tick) fills it again.
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "bind" && x.status === "ok")).toHaveLength(1));
    // The ready file is created once, after the fill that worked.
    expect(t.exec.calls).toHaveLength(1);
    expect(t.syncer.calls.map((c) => c.method)).toEqual(["fullSync", "fullSync"]);
  });

  it("keeps what it synced across a daemon restart, so the next reconcile deletes what was deleted locally meanwhile", async () => {
    const first = setup();
    first.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(first.traces().filter((x) => x.trigger === "pod")).toHaveLength(1));
    first.watcher.emit([change("web:watch[0]", "/p/web/src/a.js")]);
    await vi.waitFor(() => expect(first.traces().filter((x) => x.trigger === "change")).toHaveLength(1));
    const kept = [...first.manifests.saved.get("shop")?.entries() ?? []].find(([k]) => k.startsWith("web:watch[0] /p/web/src -> /app/src"))?.[1];
    expect([...(kept?.keys() ?? [])]).toEqual(["a.js"]);
    // A new daemon: its first reconcile of the pod starts from what the old one put, not from nothing.
    const second = setup(live, { manifests: first.manifests });
    second.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(second.syncer.calls.filter((c) => c.method === "reconcile")).toHaveLength(3));
    const reconcile = second.syncer.calls.find((c) => c.method === "reconcile" && c.params.targetDir === "/app/src");
    expect(reconcile?.method === "reconcile" ? [...reconcile.params.previous.keys()] : []).toEqual(["a.js"]);
  });

  it("forgets what it synced when the project goes down", async () => {
    const t = setup();
    t.observe([pod("web-1", "web")]);
    t.watcher.emit([change("web:watch[0]", "/p/web/src/a.js")]);
    await vi.waitFor(() => expect(t.manifests.saved.get("shop")?.size ?? 0).toBeGreaterThan(0));
    t.engine.dispatch({ type: "downRequested", project: "shop", volumes: false });
    await vi.waitFor(() => expect(t.manifests.saved.has("shop")).toBe(false));
  });

  it("a pod whose sync failed for a transient reason is reconciled again", async () => {
    const t = setup();
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(1));
    t.syncer.failNext("sync into shop-dev/web-1:/app/src: connection lost", true);
    t.watcher.emit([change("web:watch[0]", "/p/web/src/a.js")]);
    await vi.waitFor(() => expect(t.traces().some((x) => x.status === "failed" && x.error?.includes("connection lost"))).toBe(true));
    // Forgotten, so the next look (the trace's own state change, or the retry tick) reconciles it.
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.syncer.calls.filter((c) => c.method === "reconcile")).toHaveLength(6));
    // The failed batch's path may be in the pod (the reply was lost, maybe not the extract): the reconcile counts it.
    const again = t.syncer.calls.filter((c) => c.method === "reconcile" && c.params.targetDir === "/app/src").at(-1);
    expect(again?.method === "reconcile" ? again.params.previous.has("a.js") : false).toBe(true);
  });

  it("a pod whose reconcile keeps failing for a transient reason is tried again on the retry tick, not as fast as it fails", async () => {
    const t = setup();
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(1));
    const reconciles = () => t.syncer.calls.filter((c) => c.method === "reconcile").length;
    const before = reconciles();
    // The apiserver unreachable: a change fails, the pod is reconciled again at once, and that fails too.
    t.syncer.failAll("exec in pod shop-dev/web-1: cannot reach the cluster (read ECONNRESET)", true);
    t.watcher.emit([change("web:watch[0]", "/p/web/src/a.js")]);
    await vi.waitFor(() => expect(t.traces().filter((x) => x.action === "reconcile" && x.status === "failed").length).toBeGreaterThan(0));
    const failed = reconciles();
    // More state changes (each failed trace is one) do not start more tries before the tick.
    t.observe([pod("web-1", "web"), pod("cache-1", "cache")]);
    await new Promise((r) => setTimeout(r, 50));
    expect(reconciles()).toBe(failed);
    expect(failed - before).toBeLessThanOrEqual(3);
    // The tick tries again; once the cluster answers, the pod is reconciled and stays known.
    t.syncer.recover();
    t.clock.advance(2_000);
    await vi.waitFor(() => expect(t.traces().at(-1)).toMatchObject({ action: "reconcile", status: "ok" }));
    const settled = reconciles();
    t.observe([pod("web-1", "web")]);
    await new Promise((r) => setTimeout(r, 50));
    expect(reconciles()).toBe(settled);
  });

  it("restart and resync requests run and are dropped; a restart of a service without live rules replaces its pods", async () => {
    const t = setup();
    t.observe([pod("web-1", "web"), pod("cache-1", "cache")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(1));
    t.engine.dispatch({ type: "liveRequested", project: "shop", kind: "restart", service: "web", at: 1 });
    await vi.waitFor(() => expect(t.exec.calls.map((c) => c.command)).toEqual([restartProcessCommand()]));
    t.engine.dispatch({ type: "liveRequested", project: "shop", kind: "restart", service: "cache", at: 2 });
    await vi.waitFor(() => expect(t.deleted).toEqual(["shop-dev devloop.dev/project=shop,devloop.dev/service=cache Pod"]));
    t.engine.dispatch({ type: "liveRequested", project: "shop", kind: "resync", at: 3 });
    await vi.waitFor(() => expect(t.traces().filter((x) => x.trigger === "resync")).toHaveLength(1));
    await vi.waitFor(() => expect(t.engine.getState().projects["shop"]?.liveRequests).toEqual([]));
  });

  it("a restart of a live service whose rules never restart it (no supervisor) replaces its pods", async () => {
    const t = setup({ web: { service: "web", container: "web", restart: "none", seededDirs: ["/app/src"], rules: [rule(0, {})] } });
    t.observe([pod("web-1", "web")]);
    await vi.waitFor(() => expect(t.traces()).toHaveLength(1));
    t.engine.dispatch({ type: "liveRequested", project: "shop", kind: "restart", service: "web", at: 1 });
    await vi.waitFor(() => expect(t.deleted).toEqual(["shop-dev devloop.dev/project=shop,devloop.dev/service=web Pod"]));
    expect(t.exec.calls).toEqual([]);
  });

  it("stops watching when the project goes down", async () => {
    const t = setup();
    await vi.waitFor(() => expect(t.watcher.open).toBe(true));
    t.engine.dispatch({ type: "downRequested", project: "shop", volumes: false });
    await vi.waitFor(() => expect(t.watcher.open).toBe(false));
    expect(t.cluster).toBeDefined();
  });
});
