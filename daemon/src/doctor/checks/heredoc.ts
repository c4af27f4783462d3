/**
 * DL-DOCTOR-018: a heredoc (RUN <<EOF, COPY <<EOF) in the Dockerfile. Docker 20.10's built-in Dockerfile frontend
 * (Debian's docker.io, devloop's builder on the local cluster) fails the build on it, and `# syntax=` pulls a newer
 * frontend from Docker Hub, which fails offline (docs/build.md). `devloop validate` says the same (DL-BUILD-006).
 */
import { dockerfileSyntax, heredocName } from "../../build/heredoc-check.js";
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { stageLabel } from "./check.js";

export const heredocCheck: DoctorCheck = {
  name: "heredoc",
  codes: ["DL-DOCTOR-018"],
  run: async (analysis) => {
    const dockerfile = analysis.dockerfile;
    if (!dockerfile) return [];
    const heredocs = dockerfile.parsed.instructions.some((i) => heredocName(i) !== undefined);
    if (!heredocs) return [];
    const text = analysis.service.build?.dockerfileInline ?? (dockerfile.path === undefined ? undefined : await analysis.fs.readText(dockerfile.path));
    const syntax = text === undefined ? undefined : dockerfileSyntax(text);
    const drafts: FindingDraft[] = [];
    for (const stage of dockerfile.graph.stages) {
      for (const instruction of stage.instructions) {
        const name = heredocName(instruction);
        if (name === undefined) continue;
        drafts.push({
          code: "DL-DOCTOR-018",
          at: dockerfile.locate.instruction(instruction, `${stageLabel(stage)} ${instruction.keyword}`),
          message: `${instruction.keyword} <<${name} is a heredoc, which Docker 20.10's built-in frontend rejects${syntax === undefined ? "" : ` (its # syntax=${syntax} needs that image from Docker Hub)`}`,
        });
      }
    }
    return drafts;
  },
};
