/** A Doctor that returns whatever the test set last, and records the projects it was asked about. */
import type { ComposeProject } from "../../compose/types.js";
import type { Finding } from "../../doctor/finding.js";
import type { Doctor } from "../doctor.js";

export interface FakeDoctor extends Doctor {
  set(findings: readonly Finding[]): void;
  readonly checked: ComposeProject[];
}

export const createFakeDoctor = (initial: readonly Finding[] = []): FakeDoctor => {
  let findings = initial;
  const checked: ComposeProject[] = [];
  return {
    checked,
    set: (f) => void (findings = f),
    check: async (project) => {
      checked.push(project);
      await Promise.resolve();
      return findings;
    },
  };
};
