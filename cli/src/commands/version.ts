/** devloop version [--format json] [--short]: this CLI's version, and the running daemon's (never starts one). */
import { daemonVersion } from "../../../daemon/src/api/state-dir.js";
import { connectDaemon } from "../client.js";
import { ExitCode } from "../output.js";
import { UserError } from "../user-error.js";

export interface VersionFlags {
  readonly format?: string;
  readonly short?: boolean;
}

export interface VersionInfo {
  readonly version: string;
  readonly node: string;
  readonly daemon?: { readonly version: string; readonly pid: number };
}

export const formatVersion = (info: VersionInfo, format: string): string => {
  if (format === "json") return `${JSON.stringify(info)}\n`;
  return `devloop version ${info.version} (node ${info.node})\n${info.daemon === undefined ? "daemon: not running\n" : `daemon: version ${info.daemon.version}, pid ${info.daemon.pid}\n`}`;
};

export const versionCommand = async (flags: VersionFlags): Promise<number> => {
  const format = flags.format ?? "pretty";
  if (format !== "pretty" && format !== "json") throw new UserError(`--format must be pretty or json; got "${format}"`);
  if (flags.short) {
    process.stdout.write(`${daemonVersion}\n`);
    return ExitCode.ok;
  }
  const daemon = await connectDaemon({ start: false }).then(
    (c) => ({ version: c.info.version, pid: c.info.pid }),
    () => undefined,
  );
  process.stdout.write(formatVersion({ version: daemonVersion, node: process.versions.node, ...(daemon === undefined ? {} : { daemon }) }, format));
  return ExitCode.ok;
};
