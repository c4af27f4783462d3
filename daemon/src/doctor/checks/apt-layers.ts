/**
 * DL-DOCTOR-010: `apt-get update` in a RUN that installs nothing (any stage: stale cache).
 * DL-DOCTOR-011: apt installs whose package lists are not removed in the same RUN (stages of the final image).
 */
import type { DockerfileInstruction } from "../../image/dockerfile/parse-dockerfile.js";
import { commandWords, runScript, splitShellCommands } from "../../image/dockerfile/shell-commands.js";
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { finalChain, stageLabel } from "./check.js";

const isApt = (word: string | undefined): boolean => word === "apt-get" || word === "apt";

const aptSubcommand = (words: readonly string[]): string | undefined => {
  const command = commandWords(words);
  return isApt(command[0]) ? command.slice(1).find((word) => !word.startsWith("-")) : undefined;
};

export interface AptUsage {
  readonly updates: boolean;
  readonly installs: boolean;
  readonly cleans: boolean;
}

export const aptUsage = (instruction: Pick<DockerfileInstruction, "body" | "json" | "heredocs" | "flags">): AptUsage => {
  const commands = splitShellCommands(runScript(instruction));
  const subcommands = commands.map(aptSubcommand);
  const cachedLists = /target=\/var\/lib\/apt(?:\/lists)?\b/.test(instruction.flags["mount"] ?? "");
  return {
    updates: subcommands.includes("update"),
    installs: subcommands.some((sub) => sub === "install" || sub === "upgrade" || sub === "dist-upgrade" || sub === "full-upgrade"),
    cleans: cachedLists || commands.some((words) => commandWords(words)[0] === "rm" && words.some((word) => word.startsWith("/var/lib/apt/lists"))),
  };
};

export const aptLayersCheck: DoctorCheck = {
  name: "apt-layers",
  codes: ["DL-DOCTOR-010", "DL-DOCTOR-011"],
  run: (analysis) => {
    const dockerfile = analysis.dockerfile;
    if (!dockerfile) return [];
    const drafts: FindingDraft[] = [];
    const inImage = new Set(finalChain(analysis).map((stage) => stage.index));
    for (const stage of dockerfile.graph.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== "RUN") continue;
        const usage = aptUsage(instruction);
        const at = dockerfile.locate.instruction(instruction, `${stageLabel(stage)} RUN`);
        if (usage.updates && !usage.installs) {
          drafts.push({ code: "DL-DOCTOR-010", at, message: "apt-get update runs in a RUN that installs nothing: its cached layer goes stale for the installs after it" });
        }
        if (usage.installs && !usage.cleans && inImage.has(stage.index)) {
          drafts.push({ code: "DL-DOCTOR-011", at, message: "apt installs packages without `rm -rf /var/lib/apt/lists/*` in the same RUN: the lists stay in the image" });
        }
      }
    }
    return drafts;
  },
};
