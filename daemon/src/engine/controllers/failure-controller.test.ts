import { describe, expect, it } from "vitest";
import type { ObservedObject } from "../../ports/cluster.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeProjectLoader } from "../../ports/fakes/fake-project-loader.js";
import { createEngine } from "../engine.js";
import { toPublicProject } from "../public-view.js";
import { stableWindowMs } from "../selectors.js";
import type { ProjectRequest } from "../state.js";
import { createApplyController } from "./apply-controller.js";
import { createConfigController } from "./config-controller.js";
import { createFailureController } from "./failure-controller.js";
import { createStabilityController } from "./stability-controller.js";
import { createWatchController } from "./watch-controller.js";
import { ok, shopProject } from "./test-project.js";

const request: ProjectRequest = {
  name: "shop",
  options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" },
  isolation: true,
};

const labels = { "devloop.dev/project": "shop", "devloop.dev/service": "api" };
type Pod = NonNullable<ObservedObject["pod"]>;
const apiPod = (pod: Partial<Pod>): ObservedObject => ({ kind: "Pod", name: "api-1", namespace: "shop-dev", labels, pod: { phase: "Running", ready: true, running: true, restarts: 0, containers: ["api"], deleting: false, ...pod } });

const setup = () => {
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const loader = createFakeProjectLoader(ok(shopProject({ services: ["api"] })));
  const engine = createEngine({
    clock,
    controllers: [createConfigController({ loader }), createApplyController({ cluster, clock }), createWatchController({ cluster, clock }), createStabilityController({ clock }), createFailureController({ cluster, clock })],
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const api = () => toPublicProject(engine.getState().projects["shop"]!).services.find((s) => s.name === "api")!;
  return { cluster, clock, engine, settle, api };
};

describe("an honest ready", () => {
  it("a pod without a healthcheck is ready only after running the stable window with no restart", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.observe(apiPod({}));
    t.cluster.markReady("shop-dev", "api");
    await t.settle();
    // Kubernetes says ready (no probe: the container runs); devloop waits for the window.
    expect(t.api()).toMatchObject({ phase: "starting", message: "running, waiting for the stable window" });
    t.clock.advance(stableWindowMs - 1);
    await t.settle();
    expect(t.api().phase).toBe("starting");
    t.clock.advance(1);
    await t.settle();
    expect(t.api().phase).toBe("ready");
    expect(toPublicProject(t.engine.getState().projects["shop"]!).settled).toBe(true);
  });

  it("a pod with a healthcheck is ready when the check holds", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.observe(apiPod({ probed: true }));
    t.cluster.markReady("shop-dev", "api");
    await t.settle();
    expect(t.api().phase).toBe("ready");
  });

  it("a crash within the window restarts it: the service is failed, never ready", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.observe(apiPod({}));
    t.cluster.markReady("shop-dev", "api");
    await t.settle();
    t.clock.advance(500);
    t.cluster.observe(apiPod({ ready: false, running: false, reason: "Error", exitCode: 3, lastExit: { container: "api", exitCode: 3, reason: "Error", now: true } }));
    await t.settle();
    t.clock.advance(stableWindowMs);
    await t.settle();
    expect(t.api()).toMatchObject({ phase: "failed", message: "exited with code 3 (Error)" });
  });
});

describe("a failed service", () => {
  it("shows the exit code, the reason, the crashed run's last log lines and the pod's events", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.logs.set("api-1/api/previous", Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    t.cluster.events.set("api-1", ["BackOff: Back-off restarting failed container"]);
    t.cluster.observe(apiPod({ ready: false, running: false, restarts: 2, reason: "CrashLoopBackOff", message: "back-off 20s restarting failed container", exitCode: 3, lastExit: { container: "api", exitCode: 3, reason: "Error", now: false } }));
    await t.settle();
    const api = t.api();
    expect(api.phase).toBe("failed");
    expect(api.message).toBe("CrashLoopBackOff: exited with code 3 (Error), 2 restarts");
    expect(api.failure).toMatchObject({ pod: "api-1", container: "api", reason: "Error", waiting: "CrashLoopBackOff", exitCode: 3, restarts: 2, reported: true, events: ["BackOff: Back-off restarting failed container"] });
    expect(api.failure?.logTail).toHaveLength(20);
    expect(api.failure?.logTail.at(-1)).toBe("line 30");
  });

  it("an OOMKilled container is failed with its reason", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.logs.set("api-1/api", ["allocating"]);
    t.cluster.observe(apiPod({ ready: false, running: false, reason: "OOMKilled", exitCode: 137, lastExit: { container: "api", exitCode: 137, reason: "OOMKilled", now: true } }));
    await t.settle();
    expect(t.api()).toMatchObject({ phase: "failed", message: "exited with code 137 (OOMKilled)", failure: { reason: "OOMKilled", exitCode: 137, logTail: ["allocating"], reported: true } });
  });

  it("a pod no node can take (Unschedulable) is failed at once with the scheduler's message, and recovers once scheduled", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const scheduler = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.";
    t.cluster.events.set("api-1", [`FailedScheduling: ${scheduler}`]);
    t.cluster.observe(apiPod({ phase: "Pending", ready: false, running: false, reason: "Unschedulable", message: scheduler }));
    await t.settle();
    expect(t.api()).toMatchObject({ phase: "failed", message: `Unschedulable: ${scheduler}`, failure: { pod: "api-1", reason: "Unschedulable", message: scheduler, reported: true, logTail: [], events: [`FailedScheduling: ${scheduler}`] } });
    // A node that fits shows up (labelled, resources freed): the pod runs and the service settles.
    t.cluster.observe(apiPod({}));
    t.cluster.markReady("shop-dev", "api");
    await t.settle();
    expect(t.api().phase).toBe("starting");
    t.clock.advance(stableWindowMs);
    await t.settle();
    expect(t.api().phase).toBe("ready");
  });

  it("an Unschedulable pod that waits for its volume to be bound or a node to be ready is not failed", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    for (const message of ["0/1 nodes are available: 1 pod has unbound immediate PersistentVolumeClaims.", "0/1 nodes are available: 1 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate."]) {
      t.cluster.observe(apiPod({ phase: "Pending", ready: false, running: false, reason: "Unschedulable", message }));
      await t.settle();
      expect(t.api()).toMatchObject({ phase: "starting", message: `Unschedulable: ${message}` });
    }
  });

  it("recovers: a restarted pod that then runs the stable window is ready again", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.cluster.markReady("shop-dev", "api");
    t.cluster.observe(apiPod({ restarts: 1, lastExit: { container: "api", exitCode: 1, reason: "Error", now: false } }));
    await t.settle();
    expect(t.api().phase).toBe("failed");
    t.clock.advance(stableWindowMs);
    await t.settle();
    expect(t.api().phase).toBe("ready");
    expect(t.api().failure).toBeUndefined();
  });
});

describe("a rollout that fixes a crash", () => {
  it("a crash-looping pod of the previous version is not the new version's failure", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const applied = t.engine.getState().projects["shop"]!.units["api"]!.appliedHash!;
    const crashing = { ready: false, running: false, restarts: 3, reason: "CrashLoopBackOff", exitCode: 3, lastExit: { container: "api", exitCode: 3, reason: "Error", now: false } } as const;
    t.cluster.observe({ ...apiPod(crashing), inputHash: applied });
    await t.settle();
    expect(t.api().phase).toBe("failed");
    // The fix is applied: the old pod still crash-loops until the Deployment scales it down.
    t.cluster.observe({ ...apiPod(crashing), inputHash: "0000000000000000" });
    await t.settle();
    expect(t.api().phase).not.toBe("failed");
  });
});
