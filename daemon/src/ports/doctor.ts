/**
 * The doctor behind a port: checks a loaded compose project and returns its findings (doctor/finding.ts).
 * main.ts wires the real one (adapters/doctor-runner.ts: runDoctor on the node fs + the Docker image inspector);
 * the compose project loader runs it, so findings arrive on LoadedProject.findings (see engine/README.md).
 */
import type { ComposeProject } from "../compose/types.js";
import type { Finding } from "../doctor/finding.js";
import type { Severity } from "../errors/diagnostic.js";

export interface Doctor {
  /** Never rejects for a finding; a failure to check is the adapter's to report (and means no findings). */
  check(project: ComposeProject): Promise<readonly Finding[]>;
}

/** A finding as the engine keeps and shows it: location, never a source line (which may hold a secret). */
export interface ServiceFinding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly fix: string;
}

export const toServiceFinding = (finding: Finding): ServiceFinding => ({
  code: finding.code,
  severity: finding.severity,
  message: finding.message,
  file: finding.file,
  line: finding.line,
  fix: finding.fix,
});

/** Findings per service, services in the order given; services without findings get none (not an empty list). */
export const findingsByService = (findings: readonly Finding[]): Readonly<Record<string, readonly ServiceFinding[]>> => {
  const groups: Record<string, ServiceFinding[]> = {};
  for (const finding of findings) (groups[finding.service] ??= []).push(toServiceFinding(finding));
  return groups;
};
