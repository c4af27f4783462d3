/**
 * Codes of the errors thrown at run time (the DevloopError subclasses) and of the load failure the daemon reports as
 * a diagnostic. docs/errors.md lists them with the compose, translate, build, doctor and isolation codes
 * (scripts/gen-errors-doc.ts); each class names its code from here.
 */
import type { ErrorCodeInfo } from "./devloop-error.js";

const c = (code: string, title: string): ErrorCodeInfo => ({ code, severity: "error", title });

export const RuntimeCodes = {
  /** The daemon failed to load a project for a reason that is not a diagnostic (a bug, an unreadable directory). */
  load: c("DL-LOAD-001", "loading the project failed for a reason that is not a problem in its files (the message says which); `up` reports it as the project's only diagnostic"),
  /** adapters/isolated-project-loader.ts: a load's worker reached its heap limit (DEVLOOP_LOAD_MEMORY_MB). */
  loadMemory: c("DL-LOAD-002", "loading the project needed more memory than the daemon allows one load (512 MiB unless DEVLOOP_LOAD_MEMORY_MB says otherwise): the load was stopped, the daemon and its other projects go on; the message names the last file the load read"),
  /** adapters/isolated-project-loader.ts: a load did not answer within its time limit (DEVLOOP_LOAD_TIMEOUT_MS). */
  loadTime: c("DL-LOAD-003", "loading the project took longer than the daemon allows one load (60 s unless DEVLOOP_LOAD_TIMEOUT_MS says otherwise): the load was stopped, the daemon and its other projects go on; the message names the last file the load read"),
  /** ports/cluster.ts ClusterError. */
  cluster: c("DL-CLUSTER-001", "a Kubernetes API call failed: the cluster is unreachable, refused the request or the identity lacks a right, or the kubeconfig or context is unusable; transient failures (unreachable, 5xx, 429) are retried with backoff"),
  /** ports/syncer.ts SyncError. */
  sync: c("DL-SYNC-001", "syncing files into a container, or bringing a container's changes back, failed (pod gone, connection lost, the image lacks tar, a path that would leave its target); transient failures are retried"),
  /** adapters/kube-exec.ts KubeExecError. */
  exec: c("DL-EXEC-001", "a command in a container could not be run, or its result was lost (no answer, connection cut, exec refused)"),
  /** cli/src/user-error.ts UserError: exit code 1. */
  user: c("DL-CLI-001", "the command line, a file it names or the environment is wrong (the message says what); the command exits 1"),
  /** cli/src/client.ts DaemonError: exit code 2. */
  daemon: c("DL-CLI-002", "the daemon could not be started or reached, or it failed a request; the command exits 2"),
  /** daemon/src/main.ts DaemonStartError. */
  daemonStart: c("DL-DAEMON-001", "the daemon cannot start: another daemon is running or starting and holds the state directory's lock"),
  /** daemon/src/server/listen.ts ListenError. */
  listen: c("DL-DAEMON-002", "the daemon cannot listen on the port DEVLOOP_PORT names (not a port number, or in use)"),
} as const satisfies Record<string, ErrorCodeInfo>;

export const runtimeCodes: readonly ErrorCodeInfo[] = Object.values(RuntimeCodes);
