import { applyKubeconfig, mergeGlobalOptions } from "./global-options.js";
import { UserError } from "./user-error.js";

interface ParsedCommand {
  opts(): Record<string, unknown>;
  readonly parent: ParsedCommand | null;
}
const isCommand = (v: unknown): v is ParsedCommand => typeof v === "object" && v !== null && typeof (v as { opts?: unknown }).opts === "function" && "parent" in v;

/** commander's (positional..., options, command) with the program's global options folded into options. */
export const withGlobalOptions = (args: unknown[]): unknown[] => {
  const command = args[args.length - 1];
  const options = args[args.length - 2];
  if (!isCommand(command) || command.parent === null || typeof options !== "object" || options === null) return args;
  const merged = mergeGlobalOptions(command.parent.opts(), options as Record<string, unknown>);
  applyKubeconfig(merged);
  return [...args.slice(0, -2), merged, command];
};

/** What a command module exports: the parsed positional arguments, then the options object. */
export type CommandHandler = (...args: never[]) => Promise<number>;

/**
 * Wraps a lazily loaded command: sets the exit code it returns, and turns an exception into exit 1
 * (UserError, message only) or exit 2 (a bug: the message and a request to report it, never a raw stack).
 */
export const runCommand =
  (load: () => Promise<CommandHandler>) =>
  async (...args: unknown[]): Promise<void> => {
    try {
      args = withGlobalOptions(args);
      const handler = await load();
      // commander passes (positional..., options, command); handlers take the leading ones they need.
      process.exitCode = await (handler as (...a: unknown[]) => Promise<number>)(...args);
    } catch (error) {
      if (error instanceof UserError) {
        process.stderr.write(`devloop: ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      // The daemon or the cluster failed (cli/src/client.ts DaemonError): exit 2, but not a bug report.
      if (error instanceof Error && error.name === "DaemonError") {
        process.stderr.write(`devloop: ${message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`devloop: internal error: ${message}\n(this is a bug in devloop; set DEVLOOP_DEBUG=1 for the stack)\n`);
      if (process.env["DEVLOOP_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
      process.exitCode = 2;
    }
  };
