/**
 * DL-DOCTOR-019: a Dockerfile line BuildKit's parser refuses (a flag the instruction does not take, `--from build`
 * where only `--from=build` is read, a repeated flag, a bad boolean, an exec-form array of non-strings, a repeated or
 * bad parser directive). DL-DOCTOR-020: text after an exec-form array, which BuildKit versions read differently.
 * At the word, from the analysis's parse (image/dockerfile/parse-dockerfile.ts syntaxProblems); `devloop validate`
 * reports the same (DL-BUILD-007).
 */
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { stageLabel } from "./check.js";

export const dockerfileSyntaxCheck: DoctorCheck = {
  name: "dockerfile-syntax",
  codes: ["DL-DOCTOR-019", "DL-DOCTOR-020"],
  run: (analysis) => {
    const dockerfile = analysis.dockerfile;
    if (!dockerfile) return [];
    return dockerfile.parsed.syntaxProblems.map((problem): FindingDraft => {
      const instruction = dockerfile.parsed.instructions.find((i) => i.line <= problem.line && problem.line <= i.lastLine);
      const stage = instruction === undefined ? undefined : dockerfile.graph.stages.find((s) => s.from === instruction || s.instructions.includes(instruction));
      // Outside any instruction: a parser directive's, or the whole file's when it has no instruction.
      const outside = dockerfile.parsed.instructions.length === 0 ? "Dockerfile" : "parser directives";
      const label = instruction === undefined ? outside : stage === undefined ? instruction.keyword : `${stageLabel(stage)} ${instruction.keyword}`;
      return {
        code: problem.readsDifferently === true ? "DL-DOCTOR-020" : "DL-DOCTOR-019",
        at: dockerfile.locate.point(problem.line, problem.column, label),
        message: problem.message,
        // The problem's hint is the fix for a refusal; for text after an array the code's why and fix say it already.
        ...(problem.hint === undefined || problem.readsDifferently === true ? {} : { fix: problem.hint }),
      };
    });
  },
};
