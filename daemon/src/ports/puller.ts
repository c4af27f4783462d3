/**
 * The container → host direction of a bind mount (sync/pull-plan.ts): bring back what the container created or
 * changed in a bind-mounted directory. The real one is adapters/kube-puller.ts (exec: find -newermt + sha256sum, then
 * tar -c of what to fetch; local writes are atomic renames); fakes/fake-puller.ts records calls. Rejects with a
 * SyncError worded for a human.
 */
import type { HashManifest } from "../sync/hash-manifest.js";
import type { PathFilter } from "../sync/path-filter.js";
import type { SyncPod } from "./syncer.js";

export interface PullParams {
  readonly pod: SyncPod;
  /** The bind's host directory. */
  readonly localRoot: string;
  /** The bind's container directory. */
  readonly targetDir: string;
  readonly filter?: PathFilter;
  /** What devloop last synced into this target (of this pod). */
  readonly previous: HashManifest;
  /** The container's clock at the last look (epoch seconds); absent: a first look that only reads the clock. */
  readonly since?: number;
  /** Directories under the target not to walk (mounts inside the bind, relative). */
  readonly prune: readonly string[];
}

export interface PullResult {
  /** The container's clock at this look: pass it as `since` next time. */
  readonly since: number;
  /** Written on the host (relative paths). */
  readonly pulled: readonly string[];
  /** Changed on both sides: the host's copy stayed. */
  readonly conflicts: readonly string[];
  /** Left for the next look. */
  readonly deferred: number;
  /** The target's manifest with the pulled files in it. */
  readonly manifest: HashManifest;
  readonly ms: number;
}

export interface Puller {
  pull(params: PullParams): Promise<PullResult>;
}
