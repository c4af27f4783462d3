/** DL-DOCTOR-012: ADD of a remote URL without --checksum. */
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { copySources, stageLabel } from "./check.js";

export const addUrlCheck: DoctorCheck = {
  name: "add-url",
  codes: ["DL-DOCTOR-012"],
  run: (analysis) => {
    const dockerfile = analysis.dockerfile;
    if (!dockerfile) return [];
    const drafts: FindingDraft[] = [];
    for (const stage of dockerfile.graph.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== "ADD" || instruction.flags["checksum"] !== undefined) continue;
        const url = copySources(instruction).find((source) => /^https?:\/\//i.test(source));
        if (url === undefined) continue;
        drafts.push({
          code: "DL-DOCTOR-012",
          at: dockerfile.locate.instruction(instruction, `${stageLabel(stage)} ADD`),
          message: `ADD downloads ${url} without a checksum`,
        });
      }
    }
    return drafts;
  },
};
