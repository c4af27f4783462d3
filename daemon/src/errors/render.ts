/**
 * Terminal rendering of diagnostics (the same data the dashboard gets as JSON):
 *
 *   compose.yml:14:9: error DL-COMPOSE-012 at services.web.ports[1]
 *     invalid port mapping: unknown protocol "tcp"
 *     expected a port mapping like "8080:80"; got "80:80:tcp"
 *       13 |     ports:
 *       14 |       - "80:80:tcp"
 *          |         ^^^^^^^^^^^
 *     hint: the protocol goes after a slash: "80:80/tcp"
 */
import type { Diagnostic } from "./diagnostic.js";
import { escapeControl, escapeDiagnostic } from "./escape.js";

export interface RenderOptions {
  readonly color: boolean;
  /** Returns a file's text (by the diagnostic's file name) to show the source lines; undefined hides them. */
  readonly source?: (file: string) => string | undefined;
}

/** Source lines longer than this are shown as a window of it, starting a little before the column. */
const maxShownLine = 160;
const windowLead = 40;

const ansi = (color: boolean, code: string, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

const splitCache = new WeakMap<(file: string) => string | undefined, Map<string, readonly string[] | undefined>>();

const linesOf = (source: RenderOptions["source"], file: string): readonly string[] | undefined => {
  if (!source || file === "") return undefined;
  let cache = splitCache.get(source);
  if (!cache) {
    cache = new Map();
    splitCache.set(source, cache);
  }
  if (!cache.has(file)) {
    const text = source(file);
    cache.set(file, text === undefined ? undefined : text.split(/\r?\n/));
  }
  return cache.get(file);
};

export function renderDiagnostic(diagnostic: Diagnostic, opts: RenderOptions): string {
  const { color } = opts;
  // Control bytes and escape sequences quoted from the input are shown, never sent to the terminal as they are.
  const d = escapeDiagnostic(diagnostic);
  const where = d.file === "" ? "" : d.line > 0 ? `${d.file}:${d.line}:${d.column}: ` : `${d.file}: `;
  const severity = d.severity === "error" ? ansi(color, "1;31", "error") : ansi(color, "1;33", "warning");
  const out = [`${ansi(color, "1", where)}${severity} ${d.code}${d.path ? ` at ${ansi(color, "1", d.path)}` : ""}`];
  out.push(`  ${d.message}`);
  if (d.expected !== undefined || d.got !== undefined) {
    out.push(`  ${[d.expected !== undefined ? `expected ${d.expected}` : undefined, d.got !== undefined ? `got ${d.got}` : undefined].filter(Boolean).join("; ")}`);
  }
  const lines = d.line > 0 ? linesOf(opts.source, diagnostic.file) : undefined;
  const line = lines?.[d.line - 1];
  if (lines && line !== undefined) {
    const first = Math.max(1, d.line - 1);
    const width = String(d.line).length;
    // Columns count the escaped text, so the caret stays under what it points at.
    const rawCol = Math.max(1, d.column);
    const rawLength = Math.max(1, Math.min(d.length ?? 1, Math.max(1, line.length - (rawCol - 1))));
    const shown = escapeControl(line);
    const col = escapeControl(line.slice(0, rawCol - 1)).length + 1;
    let length = Math.max(1, escapeControl(line.slice(rawCol - 1, rawCol - 1 + rawLength)).length);
    // A very long line (generated, minified, 10,000 brackets) is shown as a window around the column.
    const start = shown.length <= maxShownLine ? 0 : Math.max(0, Math.min(col - 1 - windowLead, shown.length - maxShownLine));
    const clip = (text: string): string => {
      if (start === 0 && text.length <= maxShownLine) return text;
      const part = text.slice(start, start + maxShownLine);
      return `${start > 0 ? "…" : ""}${part}${start + maxShownLine < text.length ? "…" : ""}`;
    };
    for (let n = first; n <= d.line; n++) {
      const other = escapeControl(lines[n - 1] ?? "");
      // The line before is clipped the same way only when it is long itself (else it is shown whole).
      const text = n === d.line ? clip(shown) : other.length > maxShownLine ? clip(other) : other;
      out.push(`    ${ansi(color, "2", `${String(n).padStart(width)} |`)}${text === "" ? "" : ` ${text}`}`);
    }
    const caretAt = col - start + (start > 0 ? 1 : 0);
    length = Math.max(1, Math.min(length, maxShownLine - (col - 1 - start)));
    out.push(`    ${ansi(color, "2", `${" ".repeat(width)} |`)} ${" ".repeat(caretAt - 1)}${ansi(color, d.severity === "error" ? "31" : "33", "^".repeat(length))}`);
  }
  if (d.hint !== undefined) out.push(`  ${ansi(color, "36", "hint:")} ${d.hint}`);
  return out.join("\n");
}

export function renderDiagnostics(ds: readonly Diagnostic[], opts: RenderOptions): string {
  if (ds.length === 0) return "";
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  const summary = [errors > 0 ? `${errors} error${errors === 1 ? "" : "s"}` : "", warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
  return `${ds.map((d) => renderDiagnostic(d, opts)).join("\n\n")}\n\n${summary}\n`;
}
