import { describe, expect, it } from "vitest";
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
