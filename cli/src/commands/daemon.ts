/** devloop daemon [--context C] (foreground) | daemon stop | daemon status. The CLI starts it detached on demand. */
import { connectDaemon } from "../client.js";
import { ExitCode } from "../output.js";
import { UserError } from "../user-error.js";

export interface DaemonFlags {
  readonly context?: string;
}

export const daemonCommand = async (action: string | undefined, flags: DaemonFlags): Promise<number> => {
  if (action === undefined || action === "run") {
    const { DaemonStartError, runDaemon } = await import("../../../daemon/src/main.js");
    const { ListenError } = await import("../../../daemon/src/server/listen.js");
    try {
      return await runDaemon({ ...(flags.context === undefined ? {} : { context: flags.context }) });
    } catch (error) {
      // Another daemon holds the lock, or DEVLOOP_PORT is taken: the user's to fix, not a bug.
      if (error instanceof DaemonStartError || error instanceof ListenError) throw new UserError(error.message);
      throw error;
    }
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
