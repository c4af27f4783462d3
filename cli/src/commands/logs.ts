/**
 * devloop logs [svc…] [-f] [--since 1m30s] [--tail N|all] [-t] [--no-log-prefix]: every pod of the services, prefixed
 * and coloured per service, following restarts with -f, as `docker compose logs`.
 */
import { parseDuration as parseComposeDuration } from "../../../daemon/src/compose/units.js";
import { connectDaemon, resolveProjectName } from "../client.js";
import type { ComposeFlags } from "../compose-options.js";
import { ExitCode, paint, serviceColor, useColor } from "../output.js";
import { UserError } from "../user-error.js";
import { localProjectName } from "./down.js";

export interface LogsFlags extends Partial<ComposeFlags> {
  readonly follow?: boolean;
  readonly since?: string;
  readonly tail?: string;
  readonly timestamps?: boolean;
  /** commander's --no-log-prefix. */
  readonly logPrefix?: boolean;
}

/**
 * --since → seconds back from now: a compose duration as the loader parses them ("90s", "1m30s", "2h", "500ms"), or
 * an RFC 3339 / ISO time ("2024-05-01T10:00:00Z"), as docker compose logs takes.
 */
export const parseSince = (text: string, now = Date.now()): number => {
  const ms = parseComposeDuration(text);
  if (ms !== undefined) return Math.max(1, Math.ceil(ms / 1000));
  if (/^\d{4}-\d\d-\d\d/.test(text.trim())) {
    const at = Date.parse(text.trim());
    if (Number.isFinite(at)) return Math.max(1, Math.ceil((now - at) / 1000));
  }
  throw new UserError(`--since expects a duration like 1m30s, 5m or 2h, or a time like 2024-05-01T10:00:00Z; got "${text}"`);
};

/** --tail: a count of lines, or "all" (undefined: everything). */
export const parseTail = (text: string | undefined): number | undefined => {
  if (text === undefined || text === "all" || text === "-1") return undefined;
  if (!/^\d+$/.test(text)) throw new UserError(`--tail expects a number of lines or all; got "${text}"`);
  return Number(text);
};

export const logsCommand = async (services: string[], flags: LogsFlags): Promise<number> => {
  const tail = parseTail(flags.tail);
  const sinceSeconds = flags.since === undefined ? undefined : parseSince(flags.since);
  const client = await connectDaemon({ start: false });
  const project = await resolveProjectName(client, flags.projectName, () => localProjectName({ file: flags.file ?? [], profile: flags.profile ?? [], envFile: flags.envFile ?? [], ...(flags.projectName === undefined ? {} : { projectName: flags.projectName }), ...(flags.projectDirectory === undefined ? {} : { projectDirectory: flags.projectDirectory }) }));
  const color = useColor();
  const width = Math.max(...services.map((s) => s.length), 8);
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  await client.logs(project, {
    services,
    follow: flags.follow === true,
    ...(tail === undefined ? {} : { tail }),
    ...(sinceSeconds === undefined ? {} : { sinceSeconds }),
    ...(flags.timestamps === true ? { timestamps: true } : {}),
    signal: controller.signal,
    onLine: (l) => {
      const text = l.line ?? `(${l.error ?? ""})`;
      process.stdout.write(flags.logPrefix === false ? `${text}\n` : `${paint(color, serviceColor(l.service), `${l.service.padEnd(width)} |`)} ${text}\n`);
    },
  });
  return ExitCode.ok;
};
