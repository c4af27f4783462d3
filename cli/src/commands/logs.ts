/** devloop logs [svc…] [-f] [--since 5m] [--tail N]: every pod of the services, prefixed and coloured per service, following restarts with -f. */
import { connectDaemon, resolveProjectName } from "../client.js";
import type { ComposeFlags } from "../compose-options.js";
import { ExitCode, paint, serviceColor, useColor } from "../output.js";
import { UserError } from "../user-error.js";
import { localProjectName } from "./down.js";

export interface LogsFlags extends Partial<ComposeFlags> {
  readonly follow?: boolean;
  readonly since?: string;
  readonly tail?: string;
}

/** "90s", "5m", "2h" → seconds. */
export const parseDuration = (text: string): number => {
  const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UserError(`--since expects a duration like 30s, 5m or 2h; got "${text}"`);
  return Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
};

export const logsCommand = async (services: string[], flags: LogsFlags): Promise<number> => {
  const client = await connectDaemon({ start: false });
  const project = await resolveProjectName(client, flags.projectName, () => localProjectName({ file: flags.file ?? [], profile: [], envFile: [], ...(flags.projectName === undefined ? {} : { projectName: flags.projectName }) }));
  const color = useColor();
  const width = Math.max(...services.map((s) => s.length), 8);
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  await client.logs(project, {
    services,
    follow: flags.follow === true,
    ...(flags.tail === undefined ? {} : { tail: Number(flags.tail) }),
    ...(flags.since === undefined ? {} : { sinceSeconds: parseDuration(flags.since) }),
    signal: controller.signal,
    onLine: (l) => process.stdout.write(`${paint(color, serviceColor(l.service), `${l.service.padEnd(width)} |`)} ${l.line ?? `(${l.error ?? ""})`}\n`),
  });
  return ExitCode.ok;
};
