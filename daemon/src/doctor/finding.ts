/**
 * A doctor finding: a Diagnostic (so it renders and serialises like every other one; hint = fix)
 * plus the service it belongs to and one line on why it matters.
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import type { DoctorCode } from "./codes.js";

export interface Finding extends Diagnostic {
  readonly code: DoctorCode;
  /** The compose service the finding belongs to. */
  readonly service: string;
  /** One line on why it matters. */
  readonly why: string;
  /** What to do about it (also in hint). */
  readonly fix: string;
  /** The source line at file:line holds a secret value: show the location, never the line. */
  readonly sensitive?: true;
}

/** Where a finding points. line/column 0 = the file as a whole. */
export interface FindingLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Key path ("services.web.user") or Dockerfile place ("Dockerfile stage 1 USER"). */
  readonly path: string;
}

/** What a check produces; the runner adds severity, why, fix and the service. */
export interface FindingDraft {
  readonly code: DoctorCode;
  readonly at: FindingLocation;
  readonly message: string;
  /** Replaces the code's default fix when the check knows better (e.g. the exact image to pin). */
  readonly fix?: string;
  readonly got?: string;
}

export const hasErrorFindings = (findings: readonly Finding[]): boolean => findings.some((finding) => finding.severity === "error");

/** Findings per service, services in the order given (the project's order), each list in report order. */
export const groupFindingsByService = (
  findings: readonly Finding[],
  services: readonly string[] = [],
): Readonly<Record<string, readonly Finding[]>> => {
  const groups: Record<string, Finding[]> = {};
  for (const service of services) groups[service] = [];
  for (const finding of findings) (groups[finding.service] ??= []).push(finding);
  return groups;
};
