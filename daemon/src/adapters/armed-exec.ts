/**
 * Commands armed ahead of time (ports/container-exec.ts ArmContainerExec) over kube-exec's long-lived stream: the exec
 * runs `read -r go && [ "$go" = go ] && exec "$@"`, so the WebSocket and the container's exec are set up at once
 * and the command itself starts when fire() writes "go" to its stdin. A command that is cancelled, or whose
 * connection drops before it is fired, reads nothing and never runs. When the stream cannot be opened (or ended
 * before the fire), fire() falls back to one plain exec, so arming never makes a command less likely to run.
 */
import type { ArmContainerExec, ContainerExec, ContainerExecResult } from "../ports/container-exec.js";
import type { ExecStream, KubeExecStreamOpener } from "./kube-exec.js";
import { KubeExecError } from "./kube-exec.js";

/** The shell wrapper that waits for the go line, then becomes the command. */
export const armedCommand = (command: readonly string[]): string[] => ["/bin/sh", "-c", 'read -r go && [ "$go" = go ] && exec "$@"', "devloop-armed", ...command];

const outputLimit = 1024 * 1024;

export const createArmedExec = (openStream: KubeExecStreamOpener, fallback: ContainerExec): ArmContainerExec => (target, command, options = {}) => {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let size = 0;
  const keep = (into: Buffer[]) => (chunk: Buffer): void => {
    if (size < outputLimit) { into.push(chunk); size += chunk.length; }
  };
  let endedEarly = false;
  const opened: Promise<ExecStream | undefined> = openStream(target, armedCommand(command)).then(
    (stream) => {
      stream.onStdout(keep(stdout));
      stream.onStderr(keep(stderr));
      void stream.ended.then(() => { if (!fired) endedEarly = true; });
      return stream;
    },
    () => undefined,
  );
  let fired = false;
  let cancelled = false;
  return {
    async fire(): Promise<ContainerExecResult> {
      if (fired || cancelled) throw new Error("an armed command runs at most once");
      const stream = await opened;
      if (stream === undefined || endedEarly) {
        fired = true;
        stream?.close();
        return fallback(target, command, options);
      }
      fired = true;
      const timeoutMs = options.timeoutMs ?? 120_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => { timer = setTimeout(() => resolve("timeout"), timeoutMs); });
      try {
        stream.write(Buffer.from("go\n"));
        const end = await Promise.race([stream.ended, timedOut]);
        if (end === "timeout") throw new KubeExecError(`exec in pod ${target.namespace}/${target.pod} (container ${target.container}): no answer after ${timeoutMs} ms`, true);
        if (end.exitCode === undefined) throw new KubeExecError(end.message, true);
        return { exitCode: end.exitCode, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") };
      } finally {
        clearTimeout(timer);
        stream.close();
      }
    },
    cancel(): void {
      if (fired || cancelled) return;
      cancelled = true;
      void opened.then((stream) => stream?.close());
    },
  };
};
