/**
 * A sync failure worded for a human: which target, what failed, the container's stderr when useful. Every Syncer
 * and Puller method rejects with one (ports/syncer.ts names it as part of the port); the pure planning here throws it
 * for a refused name.
 */
import { DevloopError } from "../errors/devloop-error.js";
import { RuntimeCodes } from "../errors/runtime-codes.js";

export class SyncError extends DevloopError {
  override readonly name = "SyncError";
  protected readonly defaultCode = RuntimeCodes.sync.code;
  constructor(
    message: string,
    /** True when retrying may help (pod gone, connection lost); false for e.g. a missing tar in the image. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}
