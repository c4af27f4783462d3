/**
 * Isolation defaults every devloop namespace gets unless the user opts out: a NetworkPolicy admitting
 * traffic only from the same namespace, a LimitRange with default requests and limits, a ResourceQuota.
 */
import type { KubeManifest } from "../translate/types.js";

export const isolationManifests = (namespace: string): readonly KubeManifest[] => [
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "devloop-same-namespace", namespace },
    spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
  },
  {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "devloop-defaults", namespace },
    spec: {
      limits: [{ type: "Container", default: { cpu: "500m", memory: "512Mi" }, defaultRequest: { cpu: "50m", memory: "64Mi" } }],
    },
  },
  {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "devloop-quota", namespace },
    spec: { hard: { "requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8", "limits.memory": "16Gi", pods: "50", persistentvolumeclaims: "20" } },
  },
];
