import { describe, expect, it } from "vitest";
import { bindWaitProbe } from "../translate/bind-mounts.js";
import { summarize } from "./kube-status.js";

describe("summarize", () => {
  it("reads a rolled-out Deployment", () => {
    const o = summarize("Deployment", {
      metadata: { name: "web", namespace: "dev", generation: 2, labels: { a: "b" }, annotations: { "devloop.dev/input-hash": "h1" } },
      spec: { replicas: 2 },
      status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2 },
    });
    expect(o).toMatchObject({ inputHash: "h1", replicas: { desired: 2, current: 2, updated: 2, ready: 2, observedCurrent: true } });
  });

  it("reads a failed Job's condition", () => {
    const o = summarize("Job", { metadata: { name: "migrate" }, status: { failed: 1, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] } });
    expect(o.job).toEqual({ active: 0, succeeded: false, failed: true, message: "BackoffLimitExceeded: Job has reached the specified backoff limit" });
  });

  it("reports a pod stuck pulling its image", () => {
    const o = summarize("Pod", {
      metadata: { name: "web-1", ownerReferences: [{ name: "web-abc" }] },
      spec: { containers: [{ name: "web" }] },
      status: { phase: "Pending", containerStatuses: [{ name: "web", restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "web:dev"' } } }] },
    });
    expect(o.pod).toMatchObject({ phase: "Pending", ready: false, reason: "ImagePullBackOff", message: 'Back-off pulling image "web:dev"', containers: ["web"], ownerName: "web-abc" });
  });
});

describe("summarize deployment problems", () => {
  it("surfaces a ReplicaFailure condition", () => {
    const o = summarize("Deployment", {
      metadata: { name: "api", generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: 'pods "api-1" is forbidden: exceeded quota' }] },
    });
    expect(o.problem).toBe('FailedCreate: pods "api-1" is forbidden: exceeded quota');
  });
});

describe("summarize container exits", () => {
  it("reports a crash loop's last exit: code, reason, not terminated now", () => {
    const o = summarize("Pod", {
      metadata: { name: "api-1" },
      spec: { containers: [{ name: "api" }] },
      status: { phase: "Running", containerStatuses: [{ name: "api", restartCount: 2, state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 20s" } }, lastState: { terminated: { reason: "Error", exitCode: 3 } } }] },
    });
    expect(o.pod).toMatchObject({ reason: "CrashLoopBackOff", exitCode: 3, running: false, probed: false, lastExit: { container: "api", exitCode: 3, reason: "Error", now: false } });
  });

  it("reports an OOMKilled container that is terminated now", () => {
    const o = summarize("Pod", {
      metadata: { name: "api-1" },
      spec: { containers: [{ name: "api", readinessProbe: { exec: { command: ["true"] } } }] },
      status: { phase: "Running", containerStatuses: [{ name: "api", restartCount: 0, state: { terminated: { reason: "OOMKilled", exitCode: 137 } } }] },
    });
    expect(o.pod).toMatchObject({ reason: "OOMKilled", exitCode: 137, running: false, probed: true, lastExit: { exitCode: 137, reason: "OOMKilled", now: true } });
  });

  it("reports a running container with no exit", () => {
    const o = summarize("Pod", {
      metadata: { name: "api-1" },
      spec: { containers: [{ name: "api" }] },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "api", restartCount: 0, state: { running: { startedAt: "2024-01-01T00:00:00Z" } } }] },
    });
    expect(o.pod).toMatchObject({ ready: true, running: true, restarts: 0 });
    expect(o.pod?.lastExit).toBeUndefined();
  });
});

describe("summarize a pod's init containers", () => {
  const pod = (spec: Record<string, unknown>, status: Record<string, unknown>) =>
    summarize("Pod", { metadata: { name: "web-1" }, spec: { initContainers: [{ name: "devloop-seed" }, { name: "devloop-bind" }], containers: [{ name: "web" }], ...spec }, status: { phase: "Pending", ...status } }).pod;

  it("names the init container started next on a scheduled pod, before its status says it runs", () => {
    // Scheduled, no status from the kubelet yet: the first one.
    expect(pod({ nodeName: "vm" }, {})?.initNext).toBe("devloop-seed");
    // The seed done: devloop-bind is next, whatever its status still says.
    expect(pod({ nodeName: "vm" }, { initContainerStatuses: [{ name: "devloop-seed", state: { terminated: { exitCode: 0 } } }, { name: "devloop-bind", state: { waiting: { reason: "PodInitializing" } } }] })?.initNext).toBe("devloop-bind");
  });

  it("none before scheduling, while one runs (initRunning says which), or once the pod runs", () => {
    expect(pod({}, {})?.initNext).toBeUndefined();
    const running = pod({ nodeName: "vm" }, { initContainerStatuses: [{ name: "devloop-seed", state: { terminated: { exitCode: 0 } } }, { name: "devloop-bind", state: { running: {} } }] });
    expect(running).toMatchObject({ initRunning: ["devloop-bind"] });
    expect(running?.initNext).toBeUndefined();
    expect(pod({ nodeName: "vm" }, { phase: "Running" })?.initNext).toBeUndefined();
  });
});

describe("summarize a pod whose app container waits for its bind fill (engine/bind-wait.ts)", () => {
  const pod = (spec: Record<string, unknown>, status: Record<string, unknown>) =>
    summarize("Pod", { metadata: { name: "web-1" }, spec: { initContainers: [{ name: "devloop-seed" }], containers: [{ name: "web", startupProbe: bindWaitProbe }, { name: "proxy" }], ...spec }, status: { phase: "Pending", ...status } }).pod;
  const seeded = { initContainerStatuses: [{ name: "devloop-seed", state: { terminated: { exitCode: 0 } } }] };

  it("names it next once scheduled and every init container ended with 0, until its status says it runs", () => {
    expect(pod({}, seeded)?.bindNext).toBeUndefined();
    expect(pod({ nodeName: "vm" }, {})?.bindNext).toBeUndefined();
    expect(pod({ nodeName: "vm" }, seeded)).toMatchObject({ bindWaits: ["web"], bindNext: ["web"] });
    expect(pod({ nodeName: "vm", initContainers: [] }, { containerStatuses: [{ name: "web", state: { waiting: { reason: "ContainerCreating" } } }] })?.bindNext).toEqual(["web"]);
  });

  it("says it waits while it runs and has not started (the probe has not passed), and not after", () => {
    const running = (started: boolean) => pod({ nodeName: "vm" }, { ...seeded, phase: "Running", containerStatuses: [{ name: "web", started, state: { running: {} } }, { name: "proxy", started: true, state: { running: {} } }] });
    expect(running(false)).toMatchObject({ bindWaiting: ["web"], running: true });
    expect(running(false)?.bindNext).toBeUndefined();
    expect(running(true)?.bindWaiting).toBeUndefined();
    expect(running(true)?.bindWaits).toEqual(["web"]);
  });

  it("a pod without that probe has none of it", () => {
    const o = summarize("Pod", { metadata: { name: "web-1" }, spec: { nodeName: "vm", containers: [{ name: "web", startupProbe: { exec: { command: ["true"] } } }] }, status: { phase: "Pending" } }).pod;
    expect(o?.bindWaits).toBeUndefined();
    expect(o?.bindNext).toBeUndefined();
  });
});

describe("summarize a DaemonSet", () => {
  it("reads its pods per node as replicas: desired = nodes that should run one, ready = numberReady", () => {
    const o = summarize("DaemonSet", {
      metadata: { name: "agent", namespace: "dev", generation: 3, annotations: { "devloop.dev/input-hash": "h2" } },
      status: { observedGeneration: 3, desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 1, numberReady: 1 },
    });
    expect(o).toMatchObject({ kind: "DaemonSet", inputHash: "h2", replicas: { desired: 2, current: 2, updated: 1, ready: 1, observedCurrent: true } });
  });

  it("is not current before the DaemonSet controller has seen its generation", () => {
    const o = summarize("DaemonSet", { metadata: { name: "agent", generation: 2 }, status: { observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, currentNumberScheduled: 1 } });
    expect(o.replicas?.observedCurrent).toBe(false);
  });
});
