/**
 * What `devloop up --detach` and `devloop status` print for a service that failed or whose build is blocked, like
 * `docker compose up --wait`: the service, the exit code and reason (or the build error), its last log lines and
 * the pod's events.
 */
import type { PublicService } from "../../daemon/src/api/types.js";
import { paint, serviceColor } from "./output.js";

/**
 * The image build failed: the service is blocked (never applied), or still runs its previous image — either way not
 * what `up` asked for.
 */
export const buildFailed = (s: PublicService): boolean => s.build?.status === "failed";

/** Failed, blocked (a failed build, a failed or disabled dependency), or running an image older than the failed build. */
export const failing = (s: PublicService): boolean => s.phase === "failed" || s.phase === "blocked" || buildFailed(s);

/** Worth waiting a moment for: the log tail and events of the crash are still being read. */
export const awaitingReport = (s: PublicService): boolean => s.phase === "failed" && s.failure !== undefined && !s.failure.reported;

const indent = (lines: readonly string[], prefix: string): string => lines.map((l) => `${prefix}${l}\n`).join("");

/** The block for one failing service; `lines`: how many log lines to show (the failure keeps 20). */
export const failureReport = (s: PublicService, color: boolean, lines = 20): string => {
  const name = paint(color, serviceColor(s.name), s.name);
  const red = (t: string): string => paint(color, 31, t);
  const prefix = `${paint(color, serviceColor(s.name), s.name)} | `;
  if (buildFailed(s) && s.build !== undefined) {
    const tail = s.build.tail.slice(-lines);
    const previous = s.phase === "blocked" ? "" : " (the previous image keeps running)";
    return `${red("✖")} ${name}: image build failed${previous}: ${s.build.error ?? "unknown error"}\n${tail.length > 0 ? `  last ${tail.length} line${tail.length === 1 ? "" : "s"} of the build:\n${indent(tail, `  ${prefix}`)}` : ""}`;
  }
  const f = s.failure;
  if (s.phase !== "failed" || f === undefined) return `${red("✖")} ${name}: ${s.phase}${s.message === undefined ? "" : `: ${s.message}`}\n`;
  const exit = f.exitCode === undefined ? f.reason : `exit code ${f.exitCode} (${f.reason})`;
  const head = `${red("✖")} ${name} failed: ${exit}${f.waiting === undefined ? "" : `, ${f.waiting}`}${f.restarts > 0 ? `, ${f.restarts} restart${f.restarts === 1 ? "" : "s"}` : ""} — pod ${f.pod}, container ${f.container}\n`;
  const message = f.message === undefined ? "" : `  ${f.message}\n`;
  const tail = f.logTail.slice(-lines);
  // A pod the scheduler cannot place never ran: its message above is the story, there is no log to miss.
  const logs = tail.length > 0 ? `  last ${tail.length} log line${tail.length === 1 ? "" : "s"}:\n${indent(tail, `  ${prefix}`)}` : f.reported && f.reason !== "Unschedulable" ? "  (no log output)\n" : "";
  const events = f.events.length > 0 ? `  pod events:\n${indent(f.events.slice(-5), "    ")}` : "";
  return `${head}${message}${logs}${events}`;
};
