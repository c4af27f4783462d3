/**
 * All daemon output goes through here (no console in daemon/): each line becomes a `log` action in the store
 * (so the dashboard and `devloop logs` see it) and a line in the daemon's log file.
 */
import { appendFileSync } from "node:fs";
import type { Action, LogLevel } from "../engine/actions.js";

export interface Logger {
  debug(line: string, fields?: LogFields): void;
  info(line: string, fields?: LogFields): void;
  warn(line: string, fields?: LogFields): void;
  error(line: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

export interface LogFields {
  readonly project?: string;
  readonly service?: string;
}

export interface LoggerParams {
  readonly scope: string;
  /** Appended to, one line per entry; undefined = no file. */
  readonly file?: string;
  /** Where log actions go once the engine exists; lines before that only reach the file. */
  readonly dispatch?: () => ((action: Action) => void) | undefined;
  readonly now?: () => number;
  /** Lines below this level go to the file only. */
  readonly storeLevel?: LogLevel;
}

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export const createLogger = (params: LoggerParams): Logger => {
  const now = params.now ?? Date.now;
  const write = (level: LogLevel, line: string, fields: LogFields = {}): void => {
    const at = now();
    if (params.file !== undefined) {
      const where = [fields.project, fields.service].filter(Boolean).join("/");
      try {
        appendFileSync(params.file, `${new Date(at).toISOString()} ${level.padEnd(5)} [${params.scope}]${where ? ` ${where}:` : ""} ${line}\n`, { mode: 0o600 });
      } catch {
        // The log file is best effort: a full disk must not take the daemon down.
      }
    }
    if (order[level] >= order[params.storeLevel ?? "info"]) {
      params.dispatch?.()?.({ type: "log", source: params.scope, level, line, ...fields, at });
    }
  };
  return {
    debug: (line, fields) => write("debug", line, fields),
    info: (line, fields) => write("info", line, fields),
    warn: (line, fields) => write("warn", line, fields),
    error: (line, fields) => write("error", line, fields),
    child: (scope) => createLogger({ ...params, scope: `${params.scope}:${scope}` }),
  };
};
