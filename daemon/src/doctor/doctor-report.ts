/**
 * The doctor's machine output, shared by `devloop doctor --json`, `devloop status` and the dashboard:
 * findings grouped per service (every checked service present, possibly empty) plus counts.
 */
import type { Finding } from "./finding.js";
import { groupFindingsByService } from "./finding.js";

export interface DoctorReport {
  readonly findings: readonly Finding[];
  readonly services: Readonly<Record<string, readonly Finding[]>>;
  readonly errors: number;
  readonly warnings: number;
  /** Why some checks did not run (e.g. the Docker engine was not reachable). */
  readonly notes: readonly string[];
}

export const createDoctorReport = (findings: readonly Finding[], services: readonly string[], notes: readonly string[] = []): DoctorReport => {
  const errors = findings.filter((finding) => finding.severity === "error").length;
  return { findings, services: groupFindingsByService(findings, services), errors, warnings: findings.length - errors, notes };
};
