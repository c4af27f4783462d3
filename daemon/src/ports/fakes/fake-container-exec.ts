/** A ContainerExec for engine tests: records every command, answers from a handler (default: exit 0, no output). */
import type { ContainerExec, ContainerExecResult } from "../container-exec.js";
import type { SyncPod } from "../syncer.js";

export interface FakeExecCall {
  readonly target: SyncPod;
  readonly command: readonly string[];
}

export interface FakeContainerExec {
  readonly exec: ContainerExec;
  readonly calls: readonly FakeExecCall[];
  /** Answers the next commands; throw from it to simulate an exec that could not run. */
  respond(handler: (call: FakeExecCall) => ContainerExecResult): void;
}

export const createFakeContainerExec = (): FakeContainerExec => {
  const calls: FakeExecCall[] = [];
  let handler = (_call: FakeExecCall): ContainerExecResult => ({ exitCode: 0, stdout: "", stderr: "" });
  return {
    calls,
    respond(h) { handler = h; },
    exec: (target, command) => {
      const call = { target, command };
      calls.push(call);
      return Promise.resolve().then(() => handler(call));
    },
  };
};
