/** devloop daemon [--context C] (foreground) | daemon stop | daemon status. The CLI starts it detached on demand. */
import { connectDaemon } from "../client.js";
import { runDaemonHere } from "../local-adapters.js";
import { ExitCode } from "../output.js";
import { UserError } from "../user-error.js";

export interface DaemonFlags {
  readonly context?: string;
}

export const daemonCommand = async (action: string | undefined, flags: DaemonFlags): Promise<number> => {
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
