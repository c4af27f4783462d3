import { DevloopError } from "./devloop-error.js";

/**
 * A DevloopError a retry may cure (ClusterError, SyncError, KubeExecError): the engine retries `transient` ones with
 * backoff and reports the others at once.
 */
export abstract class TransientError extends DevloopError {
  constructor(
    message: string,
    /** True when retrying may help (unreachable, 5xx, 429, pod gone, connection lost); false for e.g. a 403 or a missing tar. */
    readonly transient: boolean,
    /** The HTTP status the cluster answered, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}
