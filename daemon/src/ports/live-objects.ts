/**
 * What already exists in the cluster, for `devloop up --dry-run`: each object's devloop input hash. The real one is
 * adapters/kube-live-objects.ts. Rejects with a ClusterError worded for a human.
 */
import type { KubeManifest } from "../translate/types.js";

/** absent: no such object; the hash the object carries, or "" when it carries none. */
export type LiveState = { readonly exists: false } | { readonly exists: true; readonly inputHash: string };

export interface LiveObjects {
  /** The live state of each manifest's object, in the order given. */
  states(manifests: readonly KubeManifest[]): Promise<readonly LiveState[]>;
}
