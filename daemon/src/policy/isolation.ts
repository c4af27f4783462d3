/**
 * Isolation defaults every devloop namespace gets unless the user opts out: a NetworkPolicy admitting
 * traffic only from the same namespace (to pods that compose networks do not separate), a LimitRange with default requests and limits, a ResourceQuota.
 */
import { Labels } from "../translate/labels.js";
import { formatBytes, formatCpu } from "../translate/quantities.js";
import type { KubeManifest } from "../translate/types.js";

/**
 * The LimitRange figures every container of a devloop namespace gets: `defaultLimit` when it sets no limit,
 * `defaultRequest` when it sets no request (nor limit), and at most `max`. validate warns where a service collides
 * with them (isolation-check.ts). cpu in cores, memory in bytes.
 */
export const isolationLimits = {
  defaultLimit: { cpu: 1, memory: 1024 ** 3 },
  defaultRequest: { cpu: 0.05, memory: 64 * 1024 ** 2 },
  max: { cpu: 4, memory: 8 * 1024 ** 3 },
} as const;

export const isolationManifests = (namespace: string): readonly KubeManifest[] => [
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "devloop-same-namespace", namespace },
    // Pods that compose networks separate (translate/network-policies.ts) are left to their networks' policies:
    // NetworkPolicies add up, so selecting them here too would let every pod of the namespace reach them.
    spec: { podSelector: { matchExpressions: [{ key: Labels.networks, operator: "DoesNotExist" }] }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
  },
  {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "devloop-defaults", namespace },
    spec: {
      limits: [{ type: "Container", default: { cpu: formatCpu(isolationLimits.defaultLimit.cpu), memory: formatBytes(isolationLimits.defaultLimit.memory) }, defaultRequest: { cpu: formatCpu(isolationLimits.defaultRequest.cpu), memory: formatBytes(isolationLimits.defaultRequest.memory) }, max: { cpu: formatCpu(isolationLimits.max.cpu), memory: formatBytes(isolationLimits.max.memory) } }],
    },
  },
  {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "devloop-quota", namespace },
    // Object counts only: cpu/memory quotas would reject every pod without explicit limits on clusters whose
    // LimitRanger admission is off, so the LimitRange above bounds those instead.
    spec: { hard: { pods: "50", services: "30", persistentvolumeclaims: "20", "requests.storage": "50Gi" } },
  },
];
