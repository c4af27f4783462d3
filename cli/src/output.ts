/** Terminal output for the daemon commands: tables, per-service colours, exit codes (0 ok, 1 user error, 2 daemon/internal). */
import type { PublicProject, PublicService } from "../../daemon/src/api/types.js";

export const ExitCode = { ok: 0, userError: 1, internal: 2 } as const;

export const useColor = (stream: NodeJS.WriteStream = process.stdout): boolean => stream.isTTY === true && !process.env["NO_COLOR"];

const palette = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94];
const hash = (s: string): number => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
export const paint = (color: boolean, code: number, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
export const serviceColor = (service: string): number => palette[hash(service) % palette.length] ?? 36;

const phaseColor: Record<PublicService["phase"], number> = {
  pending: 90,
  building: 36,
  waiting: 33,
  blocked: 31,
  applying: 36,
  starting: 36,
  ready: 32,
  completed: 32,
  failed: 31,
};

export const table = (rows: readonly (readonly string[])[]): string => {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd()).join("\n");
};

/** The local port of a forward; an ephemeral one (`ports: ["80"]`) shows "?" until a free port is picked. */
const localPort = (p: PublicService["ports"][number]): string => (p.ephemeral === true && p.local === 0 ? "?" : String(p.local));

export const serviceLine = (s: PublicService, width: number, color: boolean): string => {
  const ports = s.ports.map((p) => `127.0.0.1:${localPort(p)}→${p.remote}${p.status === "failed" ? ` (${p.message ?? "failed"})` : ""}`).join(" ");
  return `${paint(color, serviceColor(s.name), s.name.padEnd(width))}  ${paint(color, phaseColor[s.phase], s.phase.padEnd(9))}${s.message ? `  ${s.message}` : ""}${ports ? `  ${ports}` : ""}`;
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "1 error, 2 warnings"; "" without findings. */
export const findingsSummary = (findings: PublicService["findings"]): string => {
  const errors = (findings ?? []).filter((f) => f.severity === "error").length;
  const warnings = (findings ?? []).length - errors;
  return [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""].filter((part) => part !== "").join(", ");
};

export const projectTable = (projects: readonly PublicProject[], color: boolean): string => {
  const rows: string[][] = [["PROJECT", "NAMESPACE", "SERVICE", "KIND", "STATUS", "PORTS", "FINDINGS", "MESSAGE"]];
  for (const p of projects) {
    if (p.services.length === 0) rows.push([p.name, p.namespace ?? "", "", "", p.status, "", "", p.diagnostics[0]?.message ?? ""]);
    for (const s of p.services) {
      rows.push([p.name, p.namespace ?? "", s.name, s.kind ?? "", s.phase, s.ports.map((f) => `${localPort(f)}:${f.remote}${f.status === "active" ? "" : `(${f.status})`}`).join(","), findingsSummary(s.findings), s.message ?? ""]);
    }
  }
  const text = table(rows);
  if (!color) return text;
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? paint(true, 1, line) : line.replace(/\b(ready|completed)\b/, (m) => paint(true, 32, m)).replace(/\b(failed|blocked)\b/, (m) => paint(true, 31, m)).replace(/\b(waiting|starting|applying|pending)\b/, (m) => paint(true, 33, m)).replace(/\b\d+ errors?\b/, (m) => paint(true, 31, m)).replace(/\b\d+ warnings?\b/, (m) => paint(true, 33, m))))
    .join("\n");
};

const whenOf = (at: number): string => new Date(at).toTimeString().slice(0, 8);

/** The live loop's last changes of each project, newest last: what, which files, the ms per step, or why it failed. */
export const changesTable = (projects: readonly PublicProject[], color: boolean, limit = 5): string => {
  const rows: string[][] = [["TIME", "PROJECT", "SERVICE", "CHANGE", "FILES", "RESULT"]];
  for (const p of projects) {
    for (const c of p.changes.slice(-limit)) {
      const files = c.fileCount === 0 ? "" : `${c.files.slice(0, 2).join(", ")}${c.fileCount > 2 ? ` +${c.fileCount - 2}` : ""}`;
      const steps = c.steps.map((s) => `${s.step} ${Math.round(s.ms)}`).join(", ");
      const result = c.status === "ok" ? `${Math.round(c.totalMs)} ms (${steps})` : `failed: ${c.error ?? "?"}`;
      rows.push([whenOf(c.at), p.name, c.service, c.trigger === "change" ? c.action : `${c.action} (${c.trigger})`, files, paint(color, c.status === "ok" ? 32 : 31, result)]);
    }
  }
  return rows.length === 1 ? "" : table(rows);
};
