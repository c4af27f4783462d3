/**
 * The order of one apply call (kube-cluster.ts): objects that do not wait for each other go in one round, at once.
 *   1. Namespaces        everything else goes into them;
 *   2. the rest          policies, quotas, Services, ConfigMaps, Secrets, claims: at once;
 *   3. pod producers     Deployments, StatefulSets, DaemonSets, Jobs, Pods: at once, after what their pods mount
 *                        (a pod started before its ConfigMap exists waits for the kubelet's retry).
 * The namespace unit (Namespace, NetworkPolicy, LimitRange, ResourceQuota) is so two rounds, not four.
 * A failed round reports every failure of it, in the order given, as one error; later rounds do not run.
 * Pure.
 */
import { ClusterError } from "../ports/cluster.js";
import type { KubeManifest } from "../translate/types.js";

const podProducers: ReadonlySet<string> = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"]);

/** The rounds of one apply, each in the order given; empty rounds left out. */
export const applyStages = (manifests: readonly KubeManifest[]): KubeManifest[][] =>
  [
    manifests.filter((m) => m.kind === "Namespace"),
    manifests.filter((m) => m.kind !== "Namespace" && !podProducers.has(m.kind)),
    manifests.filter((m) => podProducers.has(m.kind)),
  ].filter((stage) => stage.length > 0);

/**
 * One round's failures as one error: the error itself when there is one, else a ClusterError with each message on a
 * line, transient only when every failure is (a 403 beside an unreachable apiserver is not worth a retry).
 */
export const roundError = (errors: readonly unknown[]): unknown => {
  if (errors.length === 1) return errors[0];
  const message = errors.map((e) => (e instanceof Error ? e.message : String(e))).join("\n");
  const transient = errors.every((e) => e instanceof ClusterError && e.transient);
  return new ClusterError(message, transient);
};

/** Applies each round's objects at once (results in the order given), a round only after the one before succeeded. */
export const applyInStages = async <T>(manifests: readonly KubeManifest[], applyOne: (m: KubeManifest) => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  for (const stage of applyStages(manifests)) {
    const settled = await Promise.allSettled(stage.map(applyOne));
    const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
    if (errors.length > 0) throw roundError(errors);
    for (const s of settled) if (s.status === "fulfilled") out.push(s.value);
  }
  return out;
};
