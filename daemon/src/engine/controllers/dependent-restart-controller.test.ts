import { describe, expect, it } from "vitest";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeProjectLoader } from "../../ports/fakes/fake-project-loader.js";
import type { LoadedProject } from "../../ports/project-loader.js";
import type { KubeManifest } from "../../translate/types.js";
import type { Action } from "../actions.js";
import { createEngine } from "../engine.js";
import type { ProjectRequest } from "../state.js";
import { createApplyController } from "./apply-controller.js";
import { createConfigController } from "./config-controller.js";
import { createDependentRestartController } from "./dependent-restart-controller.js";
import { createWatchController } from "./watch-controller.js";
import { ok, shopProject } from "./test-project.js";

const request: ProjectRequest = {
  name: "shop",
  options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" },
  isolation: true,
};

/** The shop project with web's depends_on cache marked restart: true, and cache running the given image. */
const project = (cacheImage = "cache:dev"): LoadedProject => {
  const base = shopProject();
  const withImage = (m: KubeManifest): KubeManifest =>
    m.kind === "Deployment" && m.metadata.name === "cache"
      ? { ...m, spec: { ...(m["spec"] as object), template: { metadata: { labels: { "devloop.dev/service": "cache" } }, spec: { containers: [{ name: "cache", image: cacheImage }] } } } }
      : m;
  return {
    ...base,
    manifests: base.manifests.map(withImage),
    dependencies: base.dependencies.map((e) => (e.service === "web" && e.dependsOn === "cache" ? { ...e, restart: true } : e)),
  };
};

const setup = async () => {
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const loader = createFakeProjectLoader(ok(project()));
  const actions: Action[] = [];
  const engine = createEngine({
    clock,
    controllers: [createConfigController({ loader }), createApplyController({ cluster, clock }), createWatchController({ cluster, clock }), createDependentRestartController({ clock })],
    onBatch: (_state, batch) => void actions.push(...batch),
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  engine.dispatch({ type: "projectRequested", request });
  await settle();
  cluster.markReady("shop-dev", "cache");
  await settle();
  cluster.markJob("shop-dev", "migrate", "succeeded");
  cluster.markReady("shop-dev", "api");
  await settle();
  cluster.markReady("shop-dev", "web");
  await settle();
  const restarts = (): (string | undefined)[] => actions.flatMap((a) => (a.type === "liveRequested" && a.kind === "restart" ? [a.service] : []));
  return { cluster, loader, engine, actions, settle, restarts };
};

describe("dependent restart controller (depends_on restart: true)", () => {
  it("restarts nothing on the first apply", async () => {
    const t = await setup();
    expect(t.cluster.appliedServices()).toContain("web");
    expect(t.restarts()).toEqual([]);
  });

  it("restarts the dependent once an updated dependency is ready again", async () => {
    const t = await setup();
    t.loader.set(ok(project("cache:v2")));
    t.engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await t.settle();
    // cache is re-applied, not yet ready with the new hash: web waits.
    expect(t.cluster.appliedServices().filter((s) => s === "cache")).toHaveLength(2);
    expect(t.restarts()).toEqual([]);
    t.cluster.markReady("shop-dev", "cache");
    await t.settle();
    expect(t.restarts()).toEqual(["web"]);
    // Once only.
    await t.settle();
    expect(t.restarts()).toEqual(["web"]);
  });

  it("restarts the dependent after an explicit restart of the dependency was handled, not of another service", async () => {
    const t = await setup();
    t.engine.dispatch({ type: "liveRequested", project: "shop", kind: "restart", service: "api", at: 1 });
    t.engine.dispatch({ type: "liveRequested", project: "shop", kind: "restart", service: "cache", at: 1 });
    await t.settle();
    // Both still queued: nothing follows yet.
    expect(t.restarts()).toEqual(["api", "cache"]);
    const queued = t.engine.getState().projects["shop"]!.liveRequests ?? [];
    for (const r of queued) t.engine.dispatch({ type: "liveRequestHandled", project: "shop", id: r.id });
    await t.settle();
    expect(t.restarts()).toEqual(["api", "cache", "web"]);
    expect(t.actions.some((a) => a.type === "log" && a.line === "restarting web: its dependency cache was restarted (depends_on restart: true)")).toBe(true);
  });
});
