/**
 * From the translation to what the apply controller sends: the namespace set on every object, devloop's labels
 * stamped (so watch, prune and down work by selector), the isolation defaults added, grouped into apply units
 * (the namespace-wide unit, then one per service) each with its input hash.
 */
import type { KubeManifest } from "../translate/types.js";
import { inputHash } from "./input-hash.js";
import { isolationManifests } from "../policy/isolation.js";
import { Labels, MANAGED_BY } from "../translate/labels.js";
import { inputHashAnnotation } from "./labels.js";
import { namespaceUnit } from "./state.js";

const clusterScoped = new Set(["Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass"]);
const workloadKinds = new Set(["Deployment", "StatefulSet", "Job", "DaemonSet"]);

/** The service an object belongs to: translate labels every service's objects with it; else a workload or Service named after one. */
export const manifestService = (m: KubeManifest, services: ReadonlySet<string>): string | undefined => {
  const value = m.metadata.labels?.[Labels.service];
  if (value !== undefined && services.has(value)) return value;
  return workloadKinds.has(m.kind) || m.kind === "Service" ? (services.has(m.metadata.name) ? m.metadata.name : undefined) : undefined;
};

export interface PreparedManifests {
  readonly manifests: readonly KubeManifest[];
  /** Unit name → hash. */
  readonly hashes: Readonly<Record<string, string>>;
}

export interface PrepareParams {
  readonly project: string;
  readonly namespace: string;
  readonly services: readonly string[];
  readonly manifests: readonly KubeManifest[];
  readonly isolation: boolean;
}

const stamp = (m: KubeManifest, labels: Record<string, string>, namespace: string): KubeManifest => {
  const metadata = {
    ...m.metadata,
    ...(clusterScoped.has(m.kind) ? {} : { namespace }),
    labels: { ...m.metadata.labels, ...labels },
  };
  const out: Record<string, unknown> = { ...m, metadata };
  const spec = m["spec"] as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
  if (workloadKinds.has(m.kind) && spec?.template) {
    out["spec"] = { ...spec, template: { ...spec.template, metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...labels } } } };
  }
  return out as KubeManifest;
};

/** Stamps a unit's input hash on a workload and on its pod template (the annotation), replacing an older one. */
export const withInputHash = (m: KubeManifest, hash: string): KubeManifest => {
  const spec = m["spec"] as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined;
  const template = spec?.template === undefined ? undefined : { ...spec.template, metadata: { ...spec.template.metadata, annotations: { ...spec.template.metadata?.annotations, [inputHashAnnotation]: hash } } };
  return {
    ...m,
    metadata: { ...m.metadata, annotations: { ...m.metadata.annotations, [inputHashAnnotation]: hash } },
    ...(template === undefined ? {} : { spec: { ...spec, template } }),
  };
};

export const prepareManifests = (params: PrepareParams): PreparedManifests => {
  const services = new Set(params.services);
  const base = { [Labels.project]: params.project, [Labels.managedBy]: MANAGED_BY };
  const hasNamespace = params.manifests.some((m) => m.kind === "Namespace");
  const extra: KubeManifest[] = [
    ...(hasNamespace ? [] : [{ apiVersion: "v1", kind: "Namespace", metadata: { name: params.namespace } }]),
    ...(params.isolation ? isolationManifests(params.namespace) : []),
  ];
  const stamped = [...extra, ...params.manifests].map((m) => {
    const service = manifestService(m, services);
    const labels = service === undefined ? base : { ...base, [Labels.service]: service };
    const s = m.kind === "Namespace" ? { ...m, metadata: { ...m.metadata, name: params.namespace } } : m;
    return { unit: service ?? namespaceUnit, manifest: stamp(s, labels, params.namespace) };
  });
  const hashes: Record<string, string> = {};
  const byUnit = new Map<string, KubeManifest[]>();
  for (const { unit, manifest } of stamped) byUnit.set(unit, [...(byUnit.get(unit) ?? []), manifest]);
  for (const s of [namespaceUnit, ...params.services]) hashes[s] = inputHash(byUnit.get(s) ?? []);
  // The workload carries its unit's hash so the watch can tell a fresh status from a stale one, and so do its pods:
  // a crash-looping pod of the previous version is not the new version's failure.
  const manifests = stamped.map(({ unit, manifest }) => (workloadKinds.has(manifest.kind) ? withInputHash(manifest, hashes[unit] ?? "") : manifest));
  return { manifests, hashes };
};

export const unitManifests = (manifests: readonly KubeManifest[], unit: string, services: readonly string[]): readonly KubeManifest[] => {
  const set = new Set(services);
  return manifests.filter((m) => {
    const service = m.metadata.labels?.[Labels.service];
    return (service !== undefined && set.has(service) ? service : namespaceUnit) === unit;
  });
};
