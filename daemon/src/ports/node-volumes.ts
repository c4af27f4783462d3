/**
 * A new pod's emptyDir volumes as this machine's disk holds them, when the kubelet that runs the pod runs on this
 * machine (adapters/node-disk-volumes.ts is the real one). A bind's fill can then be written into the volume while the
 * pod's sandbox and container start, instead of through an exec once its container runs (engine/live/bind-fill.ts).
 */
import type { SyncPod } from "./syncer.js";

export interface NodeVolume {
  /** The emptyDir's directory on this machine. */
  readonly dir: string;
  /** Its inode: the container must see the same one at its target (a mount namespace of its own can hide it). */
  readonly inode: number;
}

export interface NodeVolumes {
  /** Whether a kubelet runs on this machine where this process may write (else find resolves undefined at once). */
  here(): boolean;
  /**
   * The directories of the plain emptyDir volumes (on the kubelet's disk, not in memory) mounted whole at these
   * targets in the pod's container, keyed by target, once the kubelet has set them up. Waits for that until `signal`
   * aborts, then looks a last time. Undefined when a target is not such a volume, when the pod is not on a kubelet of
   * this machine (as far as this machine can see), or when nothing turned up by the abort.
   */
  find(pod: SyncPod, targetDirs: readonly string[], signal: AbortSignal): Promise<ReadonlyMap<string, NodeVolume> | undefined>;
  /** Gives `dir` and everything under it to uid:gid, never following a symlink. */
  chown(dir: string, uid: number, gid: number): Promise<void>;
}
