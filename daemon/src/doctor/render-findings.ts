/**
 * Findings for a terminal, in the same shape as rendered diagnostics (errors/render.ts): location first
 * (clickable), severity, code, service and place; the message; the source line with a caret when the
 * file can be read; then why and fix. A summary line at the end. No colour unless asked.
 *
 *   app/Dockerfile:1:1: warning DL-DOCTOR-002 [web] at stage 0 FROM
 *     FROM node:20 pins only the major version (20)
 *       1 | FROM node:20
 *         | ^
 *     why: a moving tag rebuilds …
 *     fix: pin a full version …
 */
import type { Finding } from "./finding.js";

export interface RenderFindingsOptions {
  readonly color?: boolean;
  /** A file's text by the finding's file name, to show the source line; undefined hides it. */
  readonly source?: (file: string) => string | undefined;
}

const paint = (on: boolean, code: string, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

const sourceExcerpt = (finding: Finding, options: RenderFindingsOptions): string[] => {
  if (finding.line <= 0 || !options.source || finding.sensitive === true) return [];
  const line = options.source(finding.file)?.split(/\r?\n/)[finding.line - 1];
  if (line === undefined) return [];
  const color = options.color ?? false;
  const number = String(finding.line);
  const caret = `${" ".repeat(Math.max(0, finding.column - 1))}${paint(color, finding.severity === "error" ? "31" : "33", "^")}`;
  return [`    ${paint(color, "2", `${number} |`)} ${line}`, `    ${paint(color, "2", `${" ".repeat(number.length)} |`)} ${caret}`];
};

export const renderFinding = (finding: Finding, options: RenderFindingsOptions = {}): string => {
  const color = options.color ?? false;
  const place = finding.line > 0 ? `${finding.file}:${finding.line}:${finding.column}` : finding.file;
  const severity = paint(color, finding.severity === "error" ? "1;31" : "1;33", finding.severity);
  const at = finding.path === "" ? "" : ` at ${finding.path}`;
  return [
    `${paint(color, "1", `${place}:`)} ${severity} ${finding.code} [${finding.service}]${at}`,
    `  ${finding.message}`,
    ...sourceExcerpt(finding, options),
    `  ${paint(color, "2", "why:")} ${finding.why}`,
    `  ${paint(color, "36", "fix:")} ${finding.fix}`,
  ].join("\n");
};

export const summarizeFindings = (findings: readonly Finding[], servicesChecked: number): string => {
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
  if (findings.length === 0) return `no findings in ${plural(servicesChecked, "service")}`;
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const services = new Set(findings.map((finding) => finding.service)).size;
  return `${plural(findings.length, "finding")} (${plural(errors, "error")}, ${plural(findings.length - errors, "warning")}) in ${services} of ${plural(servicesChecked, "service")}`;
};

export const renderFindings = (findings: readonly Finding[], servicesChecked: number, options: RenderFindingsOptions = {}): string =>
  [...findings.map((finding) => renderFinding(finding, options)), summarizeFindings(findings, servicesChecked)].join("\n\n");
