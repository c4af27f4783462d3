/**
 * The caller's kube target, as the server needs it: every CLI call names its kubeconfig and context (request
 * headers), and the daemon serves it under those, never under the environment it was started with. The real one is
 * adapters/kube-targets.ts.
 */
import type { ClusterClient } from "./cluster.js";

export interface KubeTargetRef {
  /** A KUBECONFIG path list; absent = ~/.kube/config. */
  readonly kubeconfig?: string;
  /** Absent = the kubeconfig's current-context at the time of the call. */
  readonly context?: string;
}

export interface PinnedKubeTarget {
  readonly kubeconfig: string;
  readonly context: string;
  readonly server?: string;
  /** The kubeconfig user entry of the context. */
  readonly user?: string;
  /** The context's default namespace, if it names one. */
  readonly namespace?: string;
}

export interface CallerTargets {
  /** Reads the kubeconfig now and resolves the context; rejects with a ClusterError worded for a human. */
  pin(ref: KubeTargetRef): PinnedKubeTarget;
  cluster(ref: KubeTargetRef): ClusterClient;
  /** devloop's day-to-day rights the identity lacks in the namespace (SelfSubjectAccessReview); [] = usable. */
  missingRights(ref: KubeTargetRef, namespace: string): Promise<readonly string[]>;
}
