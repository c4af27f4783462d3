/**
 * Running a command in a service's container (sync+exec's command, the supervisor's restart). The real one is
 * adapters/kube-exec.ts's createKubeExec (it matches this shape); fakes/fake-container-exec.ts records calls.
 * Rejects when the command could not run (pod gone, connection lost) with a message worded for a human;
 * a command that ran and failed resolves with its exit code.
 */
import type { SyncPod } from "./syncer.js";

export interface ContainerExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type ContainerExec = (target: SyncPod, command: readonly string[], options?: { readonly timeoutMs?: number }) => Promise<ContainerExecResult>;

/**
 * A command whose connection is set up now and that runs only when fired, so the set-up (for kube exec: a WebSocket
 * through the apiserver and kubelet, ~100 ms on the bed) overlaps other work, e.g. the restart while the artifact is
 * put. The real one is adapters/armed-exec.ts; fakes/fake-container-exec.ts records fired commands like calls.
 */
export interface ArmedCommand {
  /** Runs the command and resolves or rejects as ContainerExec does. At most once. */
  fire(): Promise<ContainerExecResult>;
  /** The command never runs; its connection is closed. */
  cancel(): void;
}

export type ArmContainerExec = (target: SyncPod, command: readonly string[], options?: { readonly timeoutMs?: number }) => ArmedCommand;
