/**
 * A ContainerExec for engine tests: records every command, answers from a handler (default: exit 0, no output).
 * `arm` records armed commands (`armed`) and, once fired, the command as a call like exec's; cancelled ones are
 * listed in `cancelled` and never become calls.
 */
import type { ArmContainerExec, ContainerExec, ContainerExecResult } from "../container-exec.js";
import type { SyncPod } from "../syncer.js";

export interface FakeExecCall {
  readonly target: SyncPod;
  readonly command: readonly string[];
}

export interface FakeContainerExec {
  readonly exec: ContainerExec;
  readonly arm: ArmContainerExec;
  readonly calls: readonly FakeExecCall[];
  readonly armed: readonly FakeExecCall[];
  readonly cancelled: readonly FakeExecCall[];
  /** Answers the next commands; throw from it to simulate an exec that could not run. */
  respond(handler: (call: FakeExecCall) => ContainerExecResult): void;
}

export const createFakeContainerExec = (): FakeContainerExec => {
  const calls: FakeExecCall[] = [];
  const armed: FakeExecCall[] = [];
  const cancelled: FakeExecCall[] = [];
  let handler = (_call: FakeExecCall): ContainerExecResult => ({ exitCode: 0, stdout: "", stderr: "" });
  const exec: ContainerExec = (target, command) => {
    const call = { target, command };
    calls.push(call);
    return Promise.resolve().then(() => handler(call));
  };
  return {
    calls,
    armed,
    cancelled,
    respond(h) { handler = h; },
    exec,
    arm: (target, command) => {
      const call = { target, command };
      armed.push(call);
      let used = false;
      return {
        fire: () => {
          if (used) return Promise.reject(new Error("an armed command runs at most once"));
          used = true;
          return exec(target, command);
        },
        cancel: () => {
          if (used) return;
          used = true;
          cancelled.push(call);
        },
      };
    },
  };
};
