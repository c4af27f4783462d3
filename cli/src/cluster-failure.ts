/**
 * A ClusterError from a command that talks to the cluster itself (exec, run, up --dry-run, build) as the CLI's
 * exit codes want it: one the user can fix (forbidden, not found, a command that cannot run) is a UserError (exit 1);
 * a transient one (unreachable, 5xx) is a DaemonError (exit 2, without the bug-report line).
 */
import { ClusterError } from "../../daemon/src/ports/cluster.js";
import { DaemonError } from "./client.js";
import { UserError } from "./user-error.js";

export const cliErrorOf = (error: unknown): unknown => {
  if (!(error instanceof ClusterError)) return error;
  return error.transient ? new DaemonError(error.message) : new UserError(error.message);
};
