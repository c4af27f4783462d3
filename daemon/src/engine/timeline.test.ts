import { describe, expect, it } from "vitest";
import type { PublicEvent } from "../api/types.js";
import type { Action } from "./actions.js";
import { shopProject } from "./controllers/test-project.js";
import { Labels } from "../translate/labels.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createEngine } from "./engine.js";
import { namespaceUnit } from "./state.js";
import type { ObservedObject } from "../ports/cluster.js";
import { emptyTimeline, projectTimeline, reduceTimeline } from "./timeline.js";

const options = { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" };

/** The engine with no controllers: each batch's public events go to its log, and the timeline is reduced from them. */
const setup = () => {
  const clock = createFakeClock(1000);
  const engine = createEngine({ clock, controllers: [] });
  const { store } = engine;
  const timeline = { changes: (project: string) => engine.timeline(project) };
  const step = async (ms: number, ...actions: Action[]): Promise<void> => {
    clock.advance(ms);
    for (const a of actions) store.dispatch(a);
    await store.settle();
  };
  return { store, timeline, step, engine };
};

describe("dashboard timeline", () => {
  it("records why a change happened and a measured trace of its steps", async () => {
    const { timeline, step } = setup();
    const loaded = shopProject({ services: ["api"] });
    await step(0, { type: "projectRequested", request: { name: "shop", options, namespace: "shop-dev", isolation: true } });
    await step(50, { type: "projectLoaded", project: "shop", generation: 1, loaded, hashes: { api: "h1" } });
    await step(10, { type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await step(40, { type: "projectLoaded", project: "shop", generation: 2, loaded, hashes: { api: "h2" } });
    await step(5, { type: "applyStarted", project: "shop", unit: "api", inputHash: "h2" });
    await step(300, { type: "applyFinished", project: "shop", unit: "api", inputHash: "h2", at: 0 });
    const [latest, first] = timeline.changes("shop");
    expect(first?.reason).toBe("up");
    expect(latest).toMatchObject({ reason: "compose.yml changed", action: "reload" });
    expect(latest?.steps.map((s) => [s.name, s.status, s.startMs, s.endMs])).toEqual([
      ["load", "ok", 0, 40],
      ["apply api", "ok", 45, 345],
    ]);
  });

  it("ends a change with an invalid edit as an error, saying the last good version keeps running", async () => {
    const { timeline, step } = setup();
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    await step(10, { type: "composeChanged", project: "shop", files: ["/p/compose.override.yml"] });
    await step(20, { type: "projectInvalid", project: "shop", generation: 2, diagnostics: [] });
    const [latest] = timeline.changes("shop");
    expect(latest).toMatchObject({ reason: "compose.override.yml changed", status: "error", totalMs: 20 });
    expect(latest?.steps[0]).toMatchObject({ name: "load", status: "error", endMs: 20 });
    expect(latest?.steps[0]?.detail).toContain("last good version keeps running");
  });

  it("names a namespace switch as the reason", async () => {
    const { timeline, step } = setup();
    const request = { name: "shop", options, namespace: "a", isolation: true };
    await step(0, { type: "projectRequested", request });
    await step(10, { type: "projectLoaded", project: "shop", generation: 1, loaded: shopProject({ namespace: "a", services: ["api"] }), hashes: {} });
    await step(10, { type: "projectRequested", request: { ...request, namespace: "b" } });
    expect(timeline.changes("shop")[0]?.reason).toBe("namespace → b");
  });

  it("turns each live-loop trace into a change: reason, action, steps end to end with their ms", async () => {
    const { timeline, step } = setup();
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    const base = { service: "web", pods: ["web-abc"], fileCount: 1, files: ["src/message.js"], at: 5000 };
    await step(10, { type: "syncTraced", project: "shop", trace: { ...base, trigger: "change", rule: "web:0", action: "sync+restart", steps: [{ step: "wait", ms: 50 }, { step: "sync", ms: 120 }, { step: "restart", ms: 30 }], totalMs: 200, status: "ok" } });
    const [sync] = timeline.changes("shop");
    expect(sync).toMatchObject({ reason: "src/message.js changed", action: "sync+restart", status: "done", totalMs: 200, at: 5000, service: "web", trigger: "change", files: ["src/message.js"] });
    expect(sync?.steps.map((s) => [s.name, s.startMs, s.endMs, s.status, s.detail])).toEqual([
      ["wait", 0, 50, "ok", undefined],
      ["sync", 50, 170, "ok", "1 file(s) → web-abc"],
      ["restart", 170, 200, "ok", "web-abc"],
    ]);
    // A reload still open is not superseded by a live change.
    expect(timeline.changes("shop")[1]).toMatchObject({ reason: "up", status: "running" });
  });

  it("names a synced file from the project's directory, as the editor shows it", async () => {
    const { timeline, step } = setup();
    const rule = { id: "web:0", action: "sync", localRoot: "/p/example/web/src", targetDir: "/app/src" };
    const loaded = { ...shopProject({ services: ["web"] }), live: { web: { service: "web", container: "web", rules: [rule], restart: "supervisor", seededDirs: [] } } } as unknown as ReturnType<typeof shopProject>;
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    await step(10, { type: "projectLoaded", project: "shop", generation: 1, loaded, hashes: {} });
    await step(10, { type: "syncTraced", project: "shop", trace: { service: "web", trigger: "change", rule: "web:0", action: "sync", files: ["message.js"], fileCount: 1, pods: ["web-abc"], at: 1, steps: [{ step: "sync", ms: 10 }], totalMs: 10, status: "ok" } });
    expect(timeline.changes("shop")[0]).toMatchObject({ reason: "example/web/src/message.js changed", files: ["example/web/src/message.js"] });
  });

  it("names many files, new pods and requests, and shows a failure's first line and refusals", async () => {
    const { timeline, step } = setup();
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    const base = { service: "web", pods: ["web-abc"], at: 1, totalMs: 10 };
    await step(1, { type: "syncTraced", project: "shop", trace: { ...base, trigger: "change", action: "sync", files: ["a", "b", "c"], fileCount: 3, steps: [{ step: "sync", ms: 10 }], status: "ok", refused: ["../etc/passwd: outside the target"] } });
    await step(1, { type: "syncTraced", project: "shop", trace: { ...base, trigger: "pod", action: "reconcile", pods: ["web-new"], files: [], fileCount: 0, steps: [], status: "ok" } });
    await step(1, { type: "syncTraced", project: "shop", trace: { ...base, trigger: "resync", action: "reconcile", files: [], fileCount: 0, steps: [], status: "ok" } });
    await step(1, { type: "syncTraced", project: "shop", trace: { ...base, trigger: "restart", action: "restart", files: [], fileCount: 0, steps: [{ step: "restart", ms: 10 }], status: "ok" } });
    await step(1, { type: "syncTraced", project: "shop", trace: { ...base, trigger: "change", rule: "web:compile", action: "compile", files: ["main.go"], fileCount: 1, steps: [{ step: "wait", ms: 5 }, { step: "compile", ms: 900 }], totalMs: 905, status: "failed", error: "main.go:3:1: syntax error\nmore output" } });
    const [compile, restart, resync, pod, many] = timeline.changes("shop");
    expect(many).toMatchObject({ reason: "3 files changed", action: "sync", refused: ["../etc/passwd: outside the target"] });
    expect(pod).toMatchObject({ reason: "new pod web-new", action: "reconcile" });
    expect(resync?.reason).toBe("resync requested");
    expect(restart).toMatchObject({ reason: "restart requested", action: "restart" });
    expect(compile).toMatchObject({ reason: "main.go changed", action: "compile", status: "error", error: "main.go:3:1: syntax error" });
    expect(compile?.steps.map((s) => [s.name, s.status])).toEqual([["wait", "ok"], ["compile", "error"]]);
  });

  it("records a rebuild request as a reload that waits for its builds", async () => {
    const { store, timeline, step } = setup();
    const loaded = { ...shopProject({ services: ["api"] }), buildRequests: { api: { image: "shop-api" } } } as unknown as ReturnType<typeof shopProject>;
    const hashes = { [namespaceUnit]: "n", api: "h1" };
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    await step(10, { type: "projectLoaded", project: "shop", generation: 1, loaded, hashes });
    await step(0, { type: "buildFinished", project: "shop", service: "api", generation: 1, image: "shop-api:dl-1", ms: 1, at: 0 });
    for (const unit of [namespaceUnit, "api"]) {
      const inputHash = store.getState().projects["shop"]?.units[unit]?.desiredHash ?? "";
      await step(0, { type: "applyStarted", project: "shop", unit, inputHash }, { type: "applyFinished", project: "shop", unit, inputHash, at: 0 });
    }
    await step(10, { type: "rebuildRequested", project: "shop", service: "api", at: 0 });
    await step(20, { type: "projectLoaded", project: "shop", generation: 2, loaded, hashes });
    expect(timeline.changes("shop")[0]?.status).toBe("running");
    await step(0, { type: "buildStarted", project: "shop", service: "api", generation: 2, at: 0 });
    await step(300, { type: "buildFinished", project: "shop", service: "api", generation: 2, image: "shop-api:dl-1", skipped: true, ms: 300, at: 0 });
    const [latest] = timeline.changes("shop");
    expect(latest).toMatchObject({ reason: "rebuild requested (api)", action: "reload", status: "done", totalMs: 320 });
    expect(latest?.steps.map((s) => [s.name, s.status, s.startMs, s.endMs, s.detail])).toEqual([
      ["load", "ok", 0, 20, "1 service(s)"],
      ["build api", "ok", 20, 320, "up to date"],
      ["nothing to apply", "ok", 320, 320, undefined],
    ]);
  });

  it("shows a restart request of a project without live rules until the service is ready on new pods", async () => {
    const { timeline, step } = setup();
    const labels = { [Labels.service]: "api" };
    const observe = (object: ObservedObject, type: "upsert" | "delete" = "upsert"): Action => ({ type: "objectsObserved", project: "shop", namespace: "shop-dev", event: { type, object } });
    const deployment = (ready: number): Action => observe({ kind: "Deployment", name: "api", namespace: "shop-dev", labels, replicas: { desired: 1, current: 1, updated: 1, ready, observedCurrent: true } });
    // Ready by a healthcheck: without one, ready also waits for the stable window (selectors.stableWindowMs).
    const pod = (podName: string, deleting = false, ready = true): ObservedObject => ({ kind: "Pod", name: podName, namespace: "shop-dev", labels, pod: { phase: "Running", ready, probed: true, restarts: 0, containers: ["api"], deleting } });
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    await step(10, { type: "projectLoaded", project: "shop", generation: 1, loaded: shopProject({ services: ["api"] }), hashes: { [namespaceUnit]: "n", api: "h1" } });
    await step(0, { type: "applyStarted", project: "shop", unit: namespaceUnit, inputHash: "n" }, { type: "applyFinished", project: "shop", unit: namespaceUnit, inputHash: "n", at: 0 });
    await step(0, { type: "applyStarted", project: "shop", unit: "api", inputHash: "h1" }, { type: "applyFinished", project: "shop", unit: "api", inputHash: "h1", at: 0 });
    await step(0, deployment(1), observe(pod("api-old")));
    await step(10, { type: "liveRequested", project: "shop", kind: "restart", service: "api", at: 0 });
    expect(timeline.changes("shop")[0]).toMatchObject({ reason: "restart requested (api)", action: "replace pods", status: "running" });
    await step(40, { type: "liveRequestHandled", project: "shop", id: 1 }, observe(pod("api-old", true)), deployment(0));
    expect(timeline.changes("shop")[0]?.steps.map((s) => [s.name, s.status, s.endMs])).toEqual([["delete pods of api", "ok", 40], ["ready api", "running", undefined]]);
    // The Deployment's status lags: it still counts the old pod as ready while the new one starts.
    await step(100, deployment(1), observe(pod("api-new", false, false)));
    expect(timeline.changes("shop")[0]?.status).toBe("running");
    await step(100, deployment(0), observe(pod("api-new")));
    expect(timeline.changes("shop")[0]?.status).toBe("running");
    await step(300, deployment(1), observe(pod("api-old"), "delete"));
    const [latest] = timeline.changes("shop");
    expect(latest).toMatchObject({ status: "done", totalMs: 540 });
    expect(latest?.steps.at(-1)).toEqual({ name: "ready api", startMs: 40, endMs: 540, status: "ok", detail: "api-new" });
  });

  it("is the event log's alone: the log's events reduced into an empty timeline give the store's", async () => {
    const { engine, step } = setup();
    const logged: PublicEvent[] = [];
    engine.events.subscribe((e) => logged.push(e));
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    await step(10, { type: "projectLoaded", project: "shop", generation: 1, loaded: shopProject({ services: ["api"] }), hashes: { [namespaceUnit]: "n", api: "h1" } });
    await step(5, { type: "applyStarted", project: "shop", unit: namespaceUnit, inputHash: "n" });
    await step(5, { type: "applyFinished", project: "shop", unit: namespaceUnit, inputHash: "n", at: 0 });
    await step(5, { type: "syncTraced", project: "shop", trace: { service: "api", trigger: "change", action: "sync", files: ["a.js"], fileCount: 1, pods: ["api-1"], at: 1, steps: [{ step: "sync", ms: 10 }], totalMs: 10, status: "ok" } });
    const replayed = logged.reduce(reduceTimeline, emptyTimeline);
    expect(projectTimeline(replayed, "shop")).toEqual(engine.timeline("shop"));
    expect(engine.timeline("shop").map((c) => c.reason)).toEqual(["a.js changed", "up"]);
    expect(logged.filter((e) => e.type === "fact").map((e) => (e.type === "fact" ? e.fact.kind : ""))).toEqual(["reloadRequested", "loaded", "applyStarted", "applyFinished", "synced"]);
    // The ring keeps a project's latest progress only, as it keeps its latest view.
    expect(logged.filter((e) => e.type === "progress").length).toBeGreaterThan(1);
    expect(engine.events.since(0).filter((e) => e.type === "progress")).toHaveLength(1);
  });
});
