/** DL-DOCTOR-009: the whole source is copied before the dependency install in the same stage. */
import { commandWords, runScript, splitShellCommands } from "../../image/dockerfile/shell-commands.js";
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { copySources, quote, stageLabel } from "./check.js";

/** Package-manager commands that install dependencies: [command, sub-commands that install (empty = any)]. */
const installers: readonly (readonly [string, readonly string[]])[] = [
  ["npm", ["install", "i", "ci"]],
  ["yarn", ["", "install"]],
  ["pnpm", ["install", "i"]],
  ["bun", ["install", "i"]],
  ["pip", ["install"]],
  ["pip3", ["install"]],
  ["poetry", ["install"]],
  ["pipenv", ["install", "sync"]],
  ["uv", ["sync", "pip"]],
  ["bundle", ["install", ""]],
  ["composer", ["install"]],
  ["go", ["mod"]],
  ["cargo", ["fetch", "build"]],
  ["mvn", ["dependency:go-offline", "dependency:resolve", "install", "package"]],
  ["gradle", ["dependencies", "build"]],
  ["./gradlew", ["dependencies", "build"]],
  ["dotnet", ["restore"]],
  ["mix", ["deps.get"]],
];

export const isDependencyInstall = (words: readonly string[]): boolean => {
  let command = commandWords(words);
  if (/^python[0-9.]*$/.test(command[0] ?? "") && command[1] === "-m") command = command.slice(2);
  const [name = "", sub = ""] = command;
  const entry = installers.find(([installer]) => installer === name);
  if (!entry) return false;
  const subcommand = sub.startsWith("-") ? "" : sub;
  return entry[1].includes(subcommand);
};

const wholeSource = /^(?:\.\/?|\*|\.\/\*)$/;

export const cacheBustingCheck: DoctorCheck = {
  name: "cache-busting",
  codes: ["DL-DOCTOR-009"],
  run: (analysis) => {
    const dockerfile = analysis.dockerfile;
    if (!dockerfile) return [];
    const drafts: FindingDraft[] = [];
    for (const stage of dockerfile.graph.stages) {
      const copyIndex = stage.instructions.findIndex(
        (instruction) =>
          (instruction.keyword === "COPY" || instruction.keyword === "ADD") &&
          instruction.flags["from"] === undefined &&
          copySources(instruction).some((source) => wholeSource.test(source)),
      );
      const copy = stage.instructions[copyIndex];
      if (!copy) continue;
      const install = stage.instructions
        .slice(copyIndex + 1)
        .find((instruction) => instruction.keyword === "RUN" && splitShellCommands(runScript(instruction)).some(isDependencyInstall));
      if (!install) continue;
      drafts.push({
        code: "DL-DOCTOR-009",
        at: dockerfile.locate.instruction(copy, `${stageLabel(stage)} ${copy.keyword}`),
        message: `${copy.keyword} ${quote(copy.body, 30)} copies the whole source before the dependency install on line ${install.line} (RUN ${quote(install.body, 40)}): every source edit re-runs the install`,
      });
    }
    return drafts;
  },
};
