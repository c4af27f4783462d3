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
