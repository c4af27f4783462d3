/**
 * Build stages of a parsed Dockerfile: FROM resolved with the global ARGs (defaults overridden by the
 * compose build args), stage names, which earlier stage a FROM builds on, and the stage that becomes
 * the image (the build target, else the last stage).
 */
import type { DockerfileInstruction, ParsedDockerfile } from "./parse-dockerfile.js";
import { substitute } from "./substitute.js";

export interface StageBase {
  /** The FROM argument as written (after flags), e.g. "${NODE_IMAGE}". */
  readonly raw: string;
  /** After ARG substitution, e.g. "node:20.18-bookworm-slim". */
  readonly image: string;
  /** Variables the FROM read that had no value. */
  readonly unresolved: readonly string[];
  /** Global ARGs the FROM read whose value came from the compose build args (not the ARG default). */
  readonly fromBuildArgs: readonly string[];
}

export interface BuildStage {
  readonly index: number;
  /** The AS name, lower-cased (Docker stage names are case-insensitive). */
  readonly name?: string;
  readonly from: DockerfileInstruction;
  readonly base: StageBase;
  /** Index of the earlier stage this one is built FROM, when FROM names a stage. */
  readonly parent?: number;
  /** Instructions after FROM, up to the next FROM. */
  readonly instructions: readonly DockerfileInstruction[];
}

export interface StageGraph {
  readonly stages: readonly BuildStage[];
  /** The stage that becomes the image; undefined when there is no FROM or the target does not exist. */
  readonly final?: BuildStage;
}

/** ARG NAME[=value] [NAME2[=value] …] → pairs; quotes around the value are removed. */
export const parseArgInstruction = (body: string): { name: string; value?: string }[] => {
  const result: { name: string; value?: string }[] = [];
  for (const match of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|'[^']*'|\S*))?/g)) {
    const name = match[1] ?? "";
    const rawValue = match[2];
    if (rawValue === undefined) result.push({ name });
    else result.push({ name, value: /^(["']).*\1$/.test(rawValue) ? rawValue.slice(1, -1) : rawValue });
  }
  return result;
};

const parseFrom = (body: string): { image: string; name?: string } => {
  const words = body.trim().split(/\s+/);
  const image = words[0] ?? "";
  const asIndex = words.findIndex((word, i) => i > 0 && word.toLowerCase() === "as");
  const name = asIndex > 0 ? words[asIndex + 1] : undefined;
  return name === undefined ? { image } : { image, name: name.toLowerCase() };
};

export const resolveStages = (
  dockerfile: ParsedDockerfile,
  buildArgs: Readonly<Record<string, string>>,
  target?: string,
): StageGraph => {
  const globals: Record<string, string | undefined> = {};
  const stages: BuildStage[] = [];
  let current: { from: DockerfileInstruction; base: StageBase; name?: string; parent?: number; instructions: DockerfileInstruction[] } | undefined;
  const close = (): void => {
    if (current) stages.push({ index: stages.length, ...current });
  };
  for (const instruction of dockerfile.instructions) {
    if (instruction.keyword === "FROM") {
      close();
      const { image: raw, name } = parseFrom(instruction.body);
      const { value: image, unresolved, used } = substitute(raw, globals);
      const fromBuildArgs = used.filter((variable) => Object.hasOwn(buildArgs, variable) && Object.hasOwn(globals, variable));
      const parent = stages.find((stage) => stage.name !== undefined && stage.name === image.toLowerCase())?.index;
      current = {
        from: instruction,
        base: { raw, image, unresolved, fromBuildArgs },
        ...(name === undefined ? {} : { name }),
        ...(parent === undefined ? {} : { parent }),
        instructions: [],
      };
    } else if (current) {
      current.instructions.push(instruction);
    } else if (instruction.keyword === "ARG") {
      for (const { name, value } of parseArgInstruction(instruction.body)) {
        globals[name] = Object.hasOwn(buildArgs, name) ? buildArgs[name] : value;
      }
    }
  }
  close();
  const wanted = target?.toLowerCase();
  const final = wanted === undefined ? stages.at(-1) : stages.find((stage) => stage.name === wanted);
  return final === undefined ? { stages } : { stages, final };
};

/** The stage and the stages it is built FROM, nearest first: where USER, CMD and ENTRYPOINT are inherited from. */
export const stageChain = (graph: StageGraph, stage: BuildStage): readonly BuildStage[] => {
  const chain: BuildStage[] = [stage];
  let parent = stage.parent;
  while (parent !== undefined && !chain.some((seen) => seen.index === parent)) {
    const next = graph.stages[parent];
    if (!next) break;
    chain.push(next);
    parent = next.parent;
  }
  return chain;
};

/** The last instruction with this keyword in the stage or what it inherits. */
export const lastInChain = (chain: readonly BuildStage[], keyword: string): DockerfileInstruction | undefined => {
  for (const stage of chain) {
    const found = stage.instructions.findLast((instruction) => instruction.keyword === keyword);
    if (found) return found;
  }
  return undefined;
};
