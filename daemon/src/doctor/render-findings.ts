/**
 * Findings for a terminal: location first (clickable), severity, code and service, the message, then
 * why and fix on their own lines; a summary at the end. No colour unless asked.
 */
import type { Finding } from "./finding.js";

export interface RenderOptions {
  readonly color?: boolean;
}

const paint = (on: boolean, code: string, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

export const renderFinding = (finding: Finding, options: RenderOptions = {}): string => {
  const color = options.color ?? false;
  const place = finding.line > 0 ? `${finding.file}:${finding.line}:${finding.column}` : finding.file;
  const severity = paint(color, finding.severity === "error" ? "31;1" : "33;1", finding.severity);
  return [
    `${paint(color, "1", place)}: ${severity} ${finding.code} [${finding.service}] ${finding.message}`,
    `  ${paint(color, "2", "why:")} ${finding.why}`,
    `  ${paint(color, "36", "fix:")} ${finding.fix}`,
  ].join("\n");
};

export const summarizeFindings = (findings: readonly Finding[], servicesChecked: number): string => {
  if (findings.length === 0) return `no findings in ${servicesChecked} service${servicesChecked === 1 ? "" : "s"}`;
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const services = new Set(findings.map((finding) => finding.service)).size;
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
  return `${plural(findings.length, "finding")} (${plural(errors, "error")}, ${plural(findings.length - errors, "warning")}) in ${services} of ${plural(servicesChecked, "service")}`;
};

export const renderFindings = (findings: readonly Finding[], servicesChecked: number, options: RenderOptions = {}): string =>
  [...findings.map((finding) => renderFinding(finding, options)), summarizeFindings(findings, servicesChecked)].join("\n\n");
