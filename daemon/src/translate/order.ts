/** Stable output order: Namespace first, then by kind (config before the workloads that use it), then by name. */
import { compareStrings } from "./compare.js";
import type { KubeManifest } from "./types.js";

export const KIND_ORDER = ["Namespace", "NetworkPolicy", "ConfigMap", "Secret", "PersistentVolumeClaim", "Service", "Deployment", "Job"] as const;

const rank = (kind: string): number => {
  const index = (KIND_ORDER as readonly string[]).indexOf(kind);
  return index === -1 ? KIND_ORDER.length : index;
};

export const sortManifests = (manifests: readonly KubeManifest[]): KubeManifest[] =>
  [...manifests].sort((a, b) => rank(a.kind) - rank(b.kind) || compareStrings(a.kind, b.kind) || compareStrings(a.metadata.name, b.metadata.name));
