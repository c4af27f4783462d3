/** A doctor check: looks at one service's analysis and returns drafts; it never throws and never prints. */
import type { DoctorCode } from "../codes.js";
import type { BuildStage } from "../../image/dockerfile/stages.js";
import { stageChain } from "../../image/dockerfile/stages.js";
import type { FindingDraft } from "../finding.js";
import type { ServiceAnalysis } from "../service-analysis.js";

export interface DoctorCheck {
  readonly name: string;
  readonly codes: readonly DoctorCode[];
  run(analysis: ServiceAnalysis): readonly FindingDraft[] | Promise<readonly FindingDraft[]>;
}

/** "stage build" / "stage 0": how findings name a stage. */
export const stageLabel = (stage: BuildStage): string => `stage ${stage.name ?? String(stage.index)}`;

/** The final stage and the stages it is built FROM: what ends up in the image. */
export const finalChain = (analysis: ServiceAnalysis): readonly BuildStage[] => {
  const graph = analysis.dockerfile?.graph;
  return graph?.final ? stageChain(graph, graph.final) : [];
};

/** Source arguments of a COPY/ADD (everything but the destination), exec or shell form. */
export const copySources = (instruction: { readonly body: string; readonly json?: readonly string[] }): readonly string[] => {
  const words = instruction.json ?? instruction.body.trim().split(/\s+/).filter((word) => word !== "");
  return words.slice(0, -1);
};

export const quote = (text: string, max = 60): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
