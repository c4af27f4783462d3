/**
 * Live sync into a running container, as the engine sees it. The real one is adapters/tar-syncer.ts
 * (one exec per batch: deletes, then `head -c N | tar -x`); fakes/fake-syncer.ts keeps the
 * "container" in memory. Every method rejects with a SyncError worded for a human; the manifest a
 * call returns is only the new truth when the call resolved.
 */
import type { DriftReport, HashManifest } from "../sync/hash-manifest.js";
import type { PathFilter } from "../sync/path-filter.js";
import type { SyncRefusal } from "../sync/sync-plan.js";
import type { PutFilesParams, SyncPod } from "../sync/sync-pod.js";

// The port's own vocabulary, defined beside the pure sync parts that use it too (sync/ never imports ports/).
export type { PutFilesParams, SyncPod } from "../sync/sync-pod.js";
export { SyncError } from "../sync/sync-error.js";

export interface SyncTarget {
  readonly pod: SyncPod;
  /** Absolute local directory: the watch rule's path or the build context. */
  readonly localRoot: string;
  /** Absolute container directory (develop.watch[].target). */
  readonly targetDir: string;
  /** Which paths under localRoot take part (ignore files, ignore/include); all when absent. */
  readonly filter?: PathFilter;
}

export interface SyncParams extends SyncTarget {
  /** Changed paths from a batch, absolute or relative to localRoot. The disk is read now: kinds do not matter. */
  readonly paths: readonly string[];
  /** What was last synced to this target (emptyManifest the first time). */
  readonly previous: HashManifest;
  /**
   * Also walk the whole root and compare it with `previous` (unchanged files are not sent; files gone
   * since are deleted). For storm batches (ChangeBatch.storm), where the OS may have dropped events.
   */
  readonly rescan?: boolean;
}

export interface FullSyncParams extends SyncTarget {
  readonly previous: HashManifest;
  /**
   * The target is an empty directory no other process writes while this runs (a bind's fill into its devloop-bind
   * init container): a big tree may go as one plain tar, after the container checks the target is empty
   * (remote-commands.ts freshStreamCommand); anything found there means the usual confined records.
   */
  readonly fresh?: boolean;
  /**
   * With `fresh`: the target as this machine's disk holds it (a new pod's emptyDir on a kubelet of this machine,
   * ports/node-volumes.ts), empty. The files are written there directly (adapters/disk-fill.ts), with no exec, while
   * the pod's container may not run yet.
   */
  readonly hostDir?: string;
}

export interface SyncResult {
  /** The manifest after this sync: keep it and pass it as `previous` next time. */
  readonly manifest: HashManifest;
  readonly put: readonly string[];
  readonly deleted: readonly string[];
  readonly unchanged: number;
  /** Paths refused by confinement; each has a message naming the path. Never sent. */
  readonly refused: readonly SyncRefusal[];
  /** Bytes of tar sent. */
  readonly bytes: number;
  /** New execs started (0 when nothing needed sending, or when the batch went through an open sync session). */
  readonly execs: number;
  /** Wall time of the whole call, ms. */
  readonly ms: number;
  /**
   * "docker": put with the Docker engine's archive API into the pod's container (sync/artifact-delivery.ts); "disk":
   * written into the pod's volume on this machine's disk (FullSyncParams.hostDir); else exec.
   */
  readonly via?: "docker" | "disk";
  /** Where the time went, ms: reading and hashing local files, building the tar, the exec round trips. */
  readonly phases: { readonly scanMs: number; readonly tarMs: number; readonly execMs: number };
}

export interface DriftRepairResult extends SyncResult {
  readonly drift: DriftReport;
}

export interface Syncer {
  /** Syncs one batch of changed paths: puts what changed since `previous`, deletes what is gone. */
  sync(params: SyncParams): Promise<SyncResult>;
  /** A new pod: puts everything under the root (filtered) and deletes what vanished since `previous`. */
  fullSync(params: FullSyncParams): Promise<SyncResult>;
  /**
   * Optional: starts walking (and lstat'ing) `localRoot` for a full sync into an empty target that is coming (a bind's
   * fill while its pod is scheduled and started). fullSync with an empty `previous` then uses it, and returns the
   * manifest of what it sent (each file hashed as it was read and sent): files created since are the caller's to send.
   */
  prepareFull?(params: {
    readonly localRoot: string;
    readonly filter?: PathFilter;
    /** The fill will likely be written on this machine's disk (FullSyncParams.hostDir): walk only, pack nothing ahead. */
    readonly toDisk?: boolean;
  }): void;
  /**
   * Brings a target in line with the local tree, sending only what differs: lists the container's hashes, puts every
   * local file that is missing there or differs, and deletes what `previous` held that is gone locally. For a pod
   * devloop has not synced yet (new pod, daemon restart, resync request): the image's own copy of unchanged files
   * stays. The returned manifest is the whole local tree.
   */
  reconcile(params: FullSyncParams): Promise<DriftRepairResult>;
  /** Puts files given as bytes into targetDir (names are checked like synced paths: relative, no ".."). */
  putFiles(params: PutFilesParams): Promise<SyncResult>;
}
