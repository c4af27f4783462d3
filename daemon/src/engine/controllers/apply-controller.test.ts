import { describe, expect, it } from "vitest";
import { ClusterError } from "../../ports/cluster.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeProjectLoader } from "../../ports/fakes/fake-project-loader.js";
import { createEngine } from "../engine.js";
import { toPublicProject } from "../public-view.js";
import type { ProjectRequest } from "../state.js";
import { createApplyController } from "./apply-controller.js";
import { createClusterHealthController } from "./cluster-health-controller.js";
import { createConfigController } from "./config-controller.js";
import { createWatchController } from "./watch-controller.js";
import { ok, shopProject } from "./test-project.js";
import type { ImageCommand } from "../../ports/image-builder.js";
import type { KubeManifest } from "../../translate/types.js";
import { bindContainerName, bindInitContainer, bindWaitScript } from "../../translate/bind-mounts.js";

const request: ProjectRequest = {
  name: "shop",
  options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" },
  isolation: true,
};

const setup = (project = shopProject(), images?: { imageCommand(image: string): Promise<ImageCommand | undefined> }) => {
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const loader = createFakeProjectLoader(ok(project));
  const engine = createEngine({
    clock,
    controllers: [createConfigController({ loader }), createApplyController({ cluster, clock, ...(images === undefined ? {} : { images }) }), createWatchController({ cluster, clock }), createClusterHealthController({ cluster, clock })],
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const phases = () => Object.fromEntries(toPublicProject(engine.getState().projects["shop"]!).services.map((s) => [s.name, s.phase]));
  const messages = () => Object.fromEntries(toPublicProject(engine.getState().projects["shop"]!).services.map((s) => [s.name, s.message]));
  return { cluster, clock, loader, engine, settle, phases, messages };
};

describe("apply controller", () => {
  it("applies the namespace first, then services in depends_on order", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "api", "cache"]);
    // The namespace unit carries the isolation defaults.
    expect(t.cluster.applied[0]!.map((m) => m.kind)).toEqual(["Namespace", "NetworkPolicy", "LimitRange", "ResourceQuota"]);
    expect(t.phases()).toMatchObject({ web: "waiting", migrate: "waiting", cache: "starting", api: "starting" });
    expect(t.messages()["web"]).toBe("waiting for cache (healthy), migrate (completed), api (started)");

    t.cluster.markReady("shop-dev", "cache");
    await t.settle();
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "api", "cache", "migrate"]);
    expect(t.messages()["web"]).toBe("waiting for migrate (completed), api (started)");

    t.cluster.markJob("shop-dev", "migrate", "succeeded");
    await t.settle();
    // api is only "starting" (no running pod yet): service_started is not satisfied.
    expect(t.cluster.appliedServices()).not.toContain("web");
    t.cluster.observe({ kind: "Pod", name: "api-1", namespace: "shop-dev", labels: { "devloop.dev/project": "shop", "devloop.dev/service": "api" }, pod: { phase: "Running", ready: false, restarts: 0, containers: ["api"], deleting: false } });
    await t.settle();
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "api", "cache", "migrate", "web"]);
    t.cluster.markReady("shop-dev", "web");
    t.cluster.markReady("shop-dev", "api");
    await t.settle();
    // Its pod is not ready yet: rolled out by the Deployment's count is not ready.
    expect(t.phases()["api"]).toBe("starting");
    // Ready by its healthcheck (without one the stable window applies: failure-controller.test.ts).
    t.cluster.observe({ kind: "Pod", name: "api-1", namespace: "shop-dev", labels: { "devloop.dev/project": "shop", "devloop.dev/service": "api" }, pod: { phase: "Running", ready: true, running: true, probed: true, restarts: 0, containers: ["api"], deleting: false } });
    await t.settle();
    expect(t.phases()).toEqual({ web: "ready", api: "ready", cache: "ready", migrate: "completed" });
    expect(toPublicProject(t.engine.getState().projects["shop"]!).settled).toBe(true);
  });

  it("stamps the project and service labels and the input hash on workloads", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const cache = t.cluster.applied.flat().find((m) => m.kind === "Deployment" && m.metadata.name === "cache")!;
    expect(cache.metadata.labels).toMatchObject({ "devloop.dev/project": "shop", "devloop.dev/service": "cache", "app.kubernetes.io/managed-by": "devloop" });
    expect(cache.metadata.annotations?.["devloop.dev/input-hash"]).toMatch(/^[0-9a-f]{16}$/);
    expect((cache["spec"] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels["devloop.dev/project"]).toBe("shop");
  });

  it("blocks dependents of a failed Job with a status that says so", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.markReady("shop-dev", "cache");
    await t.settle();
    t.cluster.markJob("shop-dev", "migrate", "failed");
    await t.settle();
    expect(t.phases()["migrate"]).toBe("failed");
    expect(t.phases()["web"]).toBe("blocked");
    expect(t.messages()["web"]).toContain("blocked: migrate failed (BackoffLimitExceeded");
    expect(t.cluster.appliedServices()).not.toContain("web");
  });

  it("skips unchanged units on reload and re-applies only what changed", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.markReady("shop-dev", "cache");
    await t.settle();
    const before = t.cluster.applied.length;
    t.engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await t.settle();
    expect(t.cluster.applied.length).toBe(before);
    t.loader.set(ok(shopProject({ services: ["web", "api", "cache", "migrate"] })));
    // Change api's manifests only.
    const changed = shopProject();
    const api = changed.manifests.find((m) => m.kind === "Deployment" && m.metadata.name === "api") as unknown as { spec: { replicas: number } };
    api.spec.replicas = 2;
    t.loader.set(ok(changed));
    t.engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await t.settle();
    expect(t.cluster.appliedServices().slice(before)).toEqual(["api"]);
  });

  it("prunes a removed service by label", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.loader.set(ok(shopProject({ services: ["api", "cache"] })));
    t.engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await t.settle();
    // api and cache were applied; web and migrate never were but are still pruned (idempotent).
    expect(t.cluster.deletes.map((d) => d.selector).sort()).toEqual(["devloop.dev/project=shop,devloop.dev/service=migrate", "devloop.dev/project=shop,devloop.dev/service=web"]);
    expect(t.engine.getState().projects["shop"]!.prune).toEqual([]);
    expect(Object.keys(t.engine.getState().projects["shop"]!.units).sort()).toEqual(["(namespace)", "api", "cache"]);
  });

  it("keeps the last good project when an edit is invalid and records the diagnostics", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const applies = t.cluster.applied.length;
    t.loader.set({ ok: false, diagnostics: [{ code: "DL-COMPOSE-012", severity: "error", file: "compose.yml", line: 14, column: 9, path: "services.web.ports[0]", message: "bad port" }] });
    t.engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await t.settle();
    const project = t.engine.getState().projects["shop"]!;
    expect(project.status).toBe("active");
    expect(project.loaded?.services).toEqual(["web", "api", "cache", "migrate"]);
    expect(project.diagnostics.map((d) => d.code)).toEqual(["DL-COMPOSE-012"]);
    expect(t.cluster.deletes).toEqual([]);
    expect(t.cluster.applied.length).toBe(applies);
  });

  it("retries a failed apply with backoff on the clock", async () => {
    const t = setup();
    t.cluster.failNext(new ClusterError("apply Deployment web in namespace shop-dev: 422 spec.template.spec.containers[0].image: Required value", false, 422), 1);
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.cluster.applied.length).toBe(0);
    const unit = t.engine.getState().projects["shop"]!.units["(namespace)"]!;
    expect(unit.error).toContain("422");
    expect(t.phases()["api"]).toBe("pending");
    t.clock.advance(999);
    await t.settle();
    expect(t.cluster.applied.length).toBe(0);
    t.clock.advance(1);
    await t.settle();
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "api", "cache"]);
  });

  it("treats an unreachable cluster as a status and resumes when it answers", async () => {
    const t = setup();
    t.cluster.setUnreachable(true);
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.engine.getState().cluster.reachable).toBe(false);
    expect(t.engine.getState().cluster.message).toContain("cannot reach the cluster");
    t.clock.advance(1000);
    await t.settle();
    expect(t.engine.getState().cluster.reachable).toBe(false);
    t.cluster.setUnreachable(false);
    t.clock.advance(30_000);
    await t.settle();
    expect(t.engine.getState().cluster.reachable).toBe(true);
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "api", "cache"]);
  });

  it("moves to a new namespace on switch and remembers the old one", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.loader.set(ok(shopProject({ namespace: "shop-other" })));
    t.engine.dispatch({ type: "projectRequested", request: { ...request, namespace: "shop-other" } });
    await t.settle();
    const project = t.engine.getState().projects["shop"]!;
    expect(project.previousNamespaces).toEqual(["shop-dev"]);
    const lastNs = t.cluster.applied.at(-3)!;
    expect(lastNs[0]!.metadata.name).toBe("shop-other");
    expect(t.cluster.deletes).toEqual([]);
  });

  describe("a service whose bind the app container could wait for itself, by its image's command on the shared engine", () => {
    /** The project with only cache, whose Deployment mounts a bind (translate's devloop-bind init) and has no command. */
    const bound = () => {
      const project = shopProject({ services: ["cache"] });
      const manifests = project.manifests.map((m): KubeManifest => {
        if (m.kind !== "Deployment") return m;
        const app = { name: "cache", image: "cache:7", volumeMounts: [{ name: "bind-0", mountPath: "/data" }] };
        const init = bindInitContainer([{ service: "cache", source: "/p/data", target: "/data", volumeName: "bind-0" }], app, {})!.container;
        const spec = m["spec"] as { template: { spec: Record<string, unknown> } };
        return { ...m, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, initContainers: [init], containers: [app], volumes: [{ name: "bind-0", emptyDir: {} }] } } } };
      });
      return { ...project, manifests, dependencies: [] };
    };
    const deploymentOf = (t: ReturnType<typeof setup>) => t.cluster.applied.flat().find((m) => m.kind === "Deployment" && m.metadata.name === "cache") as { spec: { template: { spec: { initContainers?: { name: string }[]; containers: { command?: string[]; args?: string[] }[] } } } } | undefined;

    it("waits for the load's delivery decision, then folds the wait in with the command read on the engine the kubelet runs on", async () => {
      const asked: string[] = [];
      const t = setup(bound(), { imageCommand: (image) => { asked.push(image); return Promise.resolve({ entrypoint: ["docker-entrypoint.sh"], cmd: ["redis-server"] }); } });
      t.engine.dispatch({ type: "projectRequested", request });
      await t.settle();
      // The namespace goes; the unit with the bind waits for the decision (its first apply is the one that stays).
      expect(t.cluster.appliedServices()).toEqual(["(namespace)"]);
      expect(asked).toEqual([]);
      t.engine.dispatch({ type: "deliveryDecided", project: "shop", delivery: { generation: 1, delivery: { strategy: "docker", reason: "the kubelet runs on this Docker engine" } } });
      await t.settle();
      expect(t.cluster.appliedServices()).toEqual(["(namespace)", "cache"]);
      expect(asked).toEqual(["cache:7"]);
      const spec = deploymentOf(t)!.spec.template.spec;
      expect(spec.initContainers ?? []).toEqual([]);
      expect(spec.containers[0]).toMatchObject({ command: ["/bin/sh", "-c", bindWaitScript, bindContainerName], args: ["docker-entrypoint.sh", "redis-server"] });
    });

    it("keeps devloop-bind, reading nothing, when the images reach the cluster through a registry (the kubelet's engine is not this one)", async () => {
      const asked: string[] = [];
      const t = setup(bound(), { imageCommand: (image) => { asked.push(image); return Promise.resolve({ entrypoint: [], cmd: ["redis-server"] }); } });
      t.engine.dispatch({ type: "projectRequested", request });
      await t.settle();
      t.engine.dispatch({ type: "deliveryDecided", project: "shop", delivery: { generation: 1, delivery: { strategy: "registry", registry: "127.0.0.1:5000", reason: "two nodes" } } });
      await t.settle();
      expect(t.cluster.appliedServices()).toEqual(["(namespace)", "cache"]);
      expect(asked).toEqual([]);
      expect(deploymentOf(t)!.spec.template.spec.initContainers?.map((c) => c.name)).toEqual([bindContainerName]);
    });
  });
});
