/**
 * DL-DOCTOR-018: a Dockerfile heredoc (RUN <<EOF, COPY <<EOF) that cannot be built: unterminated, a heredoc as COPY's
 * destination, a bad `${…}` in a COPY heredoc's expansion, a RUN script over the 64 KiB line 20.10's parser reads, a
 * heredoc under ONBUILD. Heredocs themselves build (devloop rewrites them for Docker 20.10's frontend, docs/build.md).
 * `devloop validate` reports the same (DL-BUILD-006); the Dockerfile is the one the analysis parsed.
 */
import { translateHeredocs } from "../../build/dockerfile-heredocs.js";
import { hasHeredocs } from "../../image/dockerfile/parse-dockerfile.js";
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { stageLabel } from "./check.js";

export const heredocCheck: DoctorCheck = {
  name: "heredoc",
  codes: ["DL-DOCTOR-018"],
  run: (analysis) => {
    const dockerfile = analysis.dockerfile;
    if (!dockerfile || !hasHeredocs(dockerfile.parsed)) return [];
    const result = translateHeredocs(dockerfile.parsed, { args: analysis.service.build?.args ?? {}, buildPlatform: "linux/amd64" });
    if (!("problems" in result)) return [];
    const drafts: FindingDraft[] = [];
    for (const problem of result.problems) {
      const stage = dockerfile.graph.stages.find((s) => s.instructions.some((i) => i.line === problem.line));
      const instruction = stage?.instructions.find((i) => i.line === problem.line);
      const at = stage === undefined || instruction === undefined ? dockerfile.locate.whole : dockerfile.locate.instruction(instruction, `${stageLabel(stage)} ${instruction.keyword}`);
      drafts.push({ code: "DL-DOCTOR-018", at, message: problem.message });
    }
    return drafts;
  },
};
