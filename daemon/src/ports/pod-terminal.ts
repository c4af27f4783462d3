/**
 * A user's terminal joined to the cluster: `devloop exec` (a command in a running container, with a TTY when the
 * user's stdin is one) and `devloop run` (a one-off pod, attached or followed, then removed). The real one is
 * adapters/kube-terminal.ts (client-node WebSocket exec/attach); commands take this interface so their logic is
 * tested without a cluster. Rejects with a ClusterError worded for a human.
 */
import type { KubeManifest } from "../translate/types.js";

export { ClusterError } from "./cluster.js";

export interface TerminalStreams {
  readonly stdin: NodeJS.ReadableStream | null;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface PodTerminal {
  /** Runs the command in the container; resolves with its exit code. With tty, stdout is the terminal (resized with it). */
  exec(
    params: {
      readonly namespace: string;
      readonly pod: string;
      readonly container: string;
      readonly command: readonly string[];
      readonly tty: boolean;
      /** Sent as stdin, which then stays open (no half-close before Kubernetes 1.30): the command must read exactly these bytes. */
      readonly stdinBytes?: Uint8Array;
    } & TerminalStreams,
  ): Promise<number>;
  /** The pod's labels and app container names (to find a service's container, a sidecar's included). */
  podContainers(namespace: string, pod: string): Promise<{ readonly labels: Readonly<Record<string, string>>; readonly containers: readonly string[] }>;
  /**
   * Creates the pod, waits for it to start (at most startTimeoutMs), attaches (tty: stdin and a terminal) or follows
   * its log, waits for it to end, deletes it (also when interrupted) and resolves with the container's exit code.
   */
  runPod(params: { readonly pod: KubeManifest; readonly container: string; readonly tty: boolean; readonly startTimeoutMs: number; readonly signal?: AbortSignal; readonly onStatus?: (line: string) => void } & TerminalStreams): Promise<number>;
}
