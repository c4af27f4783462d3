import { describe, expect, it } from "vitest";
import { nodeFacts } from "./delivery-facts.js";

const node = (spec: Record<string, unknown>) => ({
  metadata: { name: "vm-node2", labels: { "kubernetes.io/hostname": "vm-node2" } },
  spec,
  status: { nodeInfo: { containerRuntimeVersion: "docker://20.10.24" } },
});

describe("nodeFacts", () => {
  it("an untainted, uncordoned node takes ordinary pods", () => {
    expect(nodeFacts(node({}) as never)).toEqual({ name: "vm-node2", containerRuntime: "docker://20.10.24", labels: { "kubernetes.io/hostname": "vm-node2" }, schedulable: true });
    expect(nodeFacts(node({ taints: [{ key: "k", effect: "PreferNoSchedule" }] }) as never).schedulable).toBe(true);
  });

  it("a NoSchedule or NoExecute taint, or a cordon, keeps them off", () => {
    expect(nodeFacts(node({ taints: [{ key: "devloop.dev/node2", value: "true", effect: "NoSchedule" }] }) as never).schedulable).toBe(false);
    expect(nodeFacts(node({ taints: [{ key: "k", effect: "NoExecute" }] }) as never).schedulable).toBe(false);
    expect(nodeFacts(node({ unschedulable: true }) as never).schedulable).toBe(false);
  });
});
