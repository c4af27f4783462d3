/** A deploy.mode: global service (a DaemonSet) in the engine: ready from its pods, not from being applied; down deletes it. */
import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import type { ObservedObject } from "../ports/cluster.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createFakeCluster } from "../ports/fakes/fake-cluster.js";
import { createFakeProjectLoader } from "../ports/fakes/fake-project-loader.js";
import type { LoadedProject } from "../ports/project-loader.js";
import { toManifests } from "../translate/index.js";
import { createApplyController } from "./controllers/apply-controller.js";
import { createConfigController } from "./controllers/config-controller.js";
import { createDownController } from "./controllers/down-controller.js";
import { createStabilityController } from "./controllers/stability-controller.js";
import { createWatchController } from "./controllers/watch-controller.js";
import { createEngine } from "./engine.js";
import { toPublicProject } from "./public-view.js";
import { stableWindowMs } from "./selectors.js";
import type { ProjectRequest } from "./state.js";

const compose = `name: mon
services:
  agent:
    image: agent:1
    deploy:
      mode: global
  web:
    image: web:1
    depends_on:
      agent:
        condition: service_healthy
`;

const loaded = (): LoadedProject => {
  const result = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem({ "/p/compose.yml": compose }));
  if (!result.ok) throw new Error("load failed");
  const t = toManifests(result.project, { namespace: "mon-dev" });
  return { name: "mon", namespace: "mon-dev", composeFiles: ["/p/compose.yml"], services: ["agent", "web"], manifests: t.manifests, dependencies: t.dependencies, ports: [], builds: {}, warnings: [] };
};

const request: ProjectRequest = { name: "mon", options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, isolation: true };

const setup = () => {
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const engine = createEngine({
    clock,
    controllers: [
      createConfigController({ loader: createFakeProjectLoader({ ok: true, project: loaded() }) }),
      createApplyController({ cluster, clock }),
      createWatchController({ cluster, clock }),
      createStabilityController({ clock }),
      createDownController({ cluster, clock }),
    ],
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const service = (name: string) => toPublicProject(engine.getState().projects["mon"]!).services.find((s) => s.name === name)!;
  return { cluster, clock, engine, settle, service };
};

const agentPod = (ready: boolean): ObservedObject => ({
  kind: "Pod",
  name: "agent-x1",
  namespace: "mon-dev",
  labels: { "devloop.dev/project": "mon", "devloop.dev/service": "agent" },
  pod: { phase: "Running", ready, running: true, restarts: 0, containers: ["agent"], deleting: false },
});

describe("a global service (DaemonSet)", () => {
  it("is not ready when applied: it is ready when its pods are, and only then does a service_healthy dependent start", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect([...t.cluster.objects.values()].filter((m) => m.kind === "DaemonSet").map((m) => m.metadata.name)).toEqual(["agent"]);
    expect(t.service("agent")).toMatchObject({ kind: "DaemonSet", phase: "starting" });
    expect(t.service("web").phase).toBe("waiting");

    t.cluster.observe(agentPod(false));
    await t.settle();
    expect(t.service("agent").phase).toBe("starting");

    t.cluster.observe(agentPod(true));
    t.cluster.markReady("mon-dev", "agent");
    await t.settle();
    expect(t.service("agent")).toMatchObject({ phase: "starting", pods: ["agent-x1"] });
    t.clock.advance(stableWindowMs);
    await t.settle();
    expect(t.service("agent").phase).toBe("ready");
    expect(t.service("web").phase).not.toBe("waiting");
  });

  it("that no node matches runs no pod, and says so instead of ready", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const ds = [...t.cluster.objects.values()].find((m) => m.kind === "DaemonSet")!;
    t.cluster.observe({ kind: "DaemonSet", name: "agent", namespace: "mon-dev", labels: ds.metadata.labels ?? {}, ...(ds.metadata.annotations?.["devloop.dev/input-hash"] === undefined ? {} : { inputHash: ds.metadata.annotations["devloop.dev/input-hash"] }), replicas: { desired: 0, current: 0, updated: 0, ready: 0, observedCurrent: true } });
    await t.settle();
    expect(t.service("agent")).toMatchObject({ phase: "starting", message: "no node matches: the DaemonSet runs no pod" });
  });

  it("is deleted by down", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.engine.dispatch({ type: "downRequested", project: "mon", volumes: false });
    await t.settle();
    expect(t.cluster.deletes.at(-1)?.kinds).toContain("DaemonSet");
    expect([...t.cluster.objects.values()].filter((m) => m.kind === "DaemonSet")).toEqual([]);
    expect(t.engine.getState().projects["mon"]).toBeUndefined();
  });
});
