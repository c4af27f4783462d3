/**
 * A sync failure worded for a human: which target, what failed, the container's stderr when useful. Every Syncer
 * and Puller method rejects with one (ports/syncer.ts names it as part of the port); the pure planning here throws it
 * for a refused name.
 */
import { RuntimeCodes } from "../errors/runtime-codes.js";
import { TransientError } from "../errors/transient-error.js";

export class SyncError extends TransientError {
  override readonly name = "SyncError";
  protected readonly defaultCode = RuntimeCodes.sync.code;
}
