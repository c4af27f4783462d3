/**
 * devloop daemon [--context C] [--supervised] (foreground) | daemon stop | daemon status. The CLI starts it detached on
 * demand; --supervised runs it as a child and starts it again when it dies (a systemd user unit in docs/cli.md).
 */
import { connectDaemon } from "../client.js";
import { runDaemonHere } from "../local-adapters.js";
import { ExitCode } from "../output.js";
import { UserError } from "../user-error.js";

export interface DaemonFlags {
  readonly context?: string;
  /** Run the daemon as a child and start it again when it dies (cli/src/supervise-daemon.ts). */
  readonly supervised?: boolean;
}

export const daemonCommand = async (action: string | undefined, flags: DaemonFlags): Promise<number> => {
  if ((action === undefined || action === "run") && flags.supervised === true) {
    const { spawn } = await import("node:child_process");
    const { readFileSync } = await import("node:fs");
    const { stateDir, stateFiles } = await import("../../../daemon/src/api/state-dir.js");
    const { daemonArgs } = await import("../client.js");
    const { daemonEnv } = await import("../../../daemon/src/api/daemon-process.js");
    const { superviseDaemon } = await import("../supervise-daemon.js");
    const files = stateFiles(stateDir());
    return superviseDaemon({
      // Its own process group: a Ctrl-C in the terminal reaches the supervisor only, which passes it on once.
      start: () => spawn(process.execPath, daemonArgs(flags.context), { stdio: "inherit", detached: true, env: { ...process.env, ...daemonEnv } }),
      listened: (pid) => {
        try {
          return (JSON.parse(readFileSync(files.daemon, "utf8")) as { pid?: unknown }).pid === pid;
        } catch {
          return false;
        }
      },
      note: (line) => process.stderr.write(`devloop: ${line}\n`),
    });
  }
  if (action === undefined || action === "run") {
    // Another daemon holds the lock, or DEVLOOP_PORT is taken: a UserError, the user's to fix, not a bug.
    return await runDaemonHere(flags.context);
  }
  if (action === "status") {
    const client = await connectDaemon({ start: false });
    process.stdout.write(`devloop daemon pid ${client.info.pid} on 127.0.0.1:${client.info.port}, version ${client.info.version}\n`);
    // A fresh one-time sign-in link for a browser (each link works once, for an hour).
    process.stdout.write(`dashboard: ${await client.dashboardUrl()}\n`);
    return ExitCode.ok;
  }
  if (action === "stop") {
    const client = await connectDaemon({ start: false });
    await client.shutdown();
    process.stdout.write(`stopped the devloop daemon (pid ${client.info.pid})\n`);
    return ExitCode.ok;
  }
  throw new UserError(`devloop daemon: expected run, status or stop; got "${action}"`);
};
