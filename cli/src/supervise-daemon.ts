/**
 * `devloop daemon --supervised`: runs the daemon as a child process (with the daemon's Node flags, as the CLI's own
 * start does) and starts it again when it dies — a crash, an out-of-memory kill, kill -9 — after a back-off of 1 s,
 * doubled up to 30 s, back to 1 s once a daemon has run for a minute. The new daemon takes over the dead one's lock
 * and resumes its projects from state.json. It is not restarted when it stopped on purpose (exit 0: `devloop daemon
 * stop`, SIGTERM) or could not start for a reason a restart does not fix (exit 1 before it ever listened: another
 * daemon holds the lock, the port DEVLOOP_PORT names is taken — an uncaught exception also exits 1, but only after
 * the daemon listened, and is restarted); SIGTERM and SIGINT to the supervisor stop the daemon, then the supervisor.
 * A systemd user unit that runs it is in docs/cli.md.
 */
import type { ChildProcess } from "node:child_process";

export interface SuperviseParams {
  /** Starts one daemon process. */
  readonly start: () => ChildProcess;
  /** Whether the daemon with this pid got as far as listening (daemon.json names it: a crash leaves the file). */
  readonly listened: (pid: number) => boolean;
  /** Lines for the supervisor's stderr. */
  readonly note: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** The signals that stop the supervisor (process.once by default). */
  readonly onStopSignal?: (stop: (signal: NodeJS.Signals) => void) => void;
  readonly firstBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A daemon that ran this long resets the back-off. */
  readonly healthyAfterMs?: number;
}

/** Resolves with the exit code the supervisor should exit with. */
export const superviseDaemon = async (params: SuperviseParams): Promise<number> => {
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = params.now ?? Date.now;
  const first = params.firstBackoffMs ?? 1_000;
  const max = params.maxBackoffMs ?? 30_000;
  const healthyAfter = params.healthyAfterMs ?? 60_000;
  let stopping: NodeJS.Signals | undefined;
  let child: ChildProcess | undefined;
  let wake: (() => void) | undefined;
  const onStop = params.onStopSignal ?? ((stop) => ["SIGTERM", "SIGINT"].forEach((s) => process.once(s, () => stop(s as NodeJS.Signals))));
  onStop((signal) => {
    stopping = signal;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill(signal);
    wake?.();
  });
  let backoff = first;
  for (let run = 1; ; run++) {
    const startedAt = now();
    child = params.start();
    const current = child;
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      current.once("exit", (code, signal) => resolve({ code, signal }));
      current.once("error", () => resolve({ code: null, signal: null }));
    });
    const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? "?"}`;
    if (stopping !== undefined) return exit.code ?? 0;
    if (exit.code === 0) return 0;
    if (exit.code === 1 && !params.listened(current.pid ?? -1)) {
      params.note(`devloop daemon ${how}: a restart would not help (see its message above); not restarting`);
      return 1;
    }
    if (now() - startedAt >= healthyAfter) backoff = first;
    params.note(`devloop daemon (run ${run}, pid ${current.pid ?? "?"}) ${how}; starting it again in ${backoff / 1000} s`);
    await Promise.race([sleep(backoff), new Promise<void>((r) => (wake = r))]);
    wake = undefined;
    if (stopping !== undefined) return 0;
    backoff = Math.min(max, backoff * 2);
  }
};
