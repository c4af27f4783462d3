/**
 * Build stages of a parsed Dockerfile, as BuildKit resolves them: the global ARGs (the ARGs before the first FROM,
 * their defaults expanded, a compose build arg overriding a declared one; the platform ARGs when a platform is given),
 * each FROM expanded with them (shell-lex.ts, the Dockerfile's escape character), stage names, the earlier stage a FROM
 * builds on (by name), and the stage that becomes the image (the build target, else the last stage). Used by the
 * doctor, the image healthcheck and the heredoc rewrite. Pure.
 */
import type { DockerfileInstruction, ParsedDockerfile } from "./parse-dockerfile.js";
import { nameValuePairs } from "./parse-dockerfile.js";
import { LexError, processWord } from "./shell-lex.js";

export interface StageBase {
  /** The FROM argument as written (after flags), e.g. "${NODE_IMAGE}". */
  readonly raw: string;
  /** After ARG expansion, e.g. "node:20.18-bookworm-slim"; "" when the expansion fails (a bad `${…}`). */
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
  /** The global ARG scope FROM lines see (undefined: declared without a value); a stage's `ARG NAME` takes it from here. */
  readonly globals: Readonly<Record<string, string | undefined>>;
}

export interface StageOptions {
  /** compose build.args: they override the defaults of the ARGs the Dockerfile declares, as --build-arg does. */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** build.target: the stage that becomes the image. */
  readonly target?: string;
  /** The builder's platform ("linux/amd64"): BUILDPLATFORM/BUILDOS/BUILDARCH/BUILDVARIANT and the TARGET* ones are then defined. */
  readonly buildPlatform?: string;
  /** The target platform; default buildPlatform. */
  readonly platform?: string;
}

const platformArgs = (prefix: "TARGET" | "BUILD", platform: string): Record<string, string> => {
  const [os = "linux", arch = "amd64", variant = ""] = platform.split("/");
  return { [`${prefix}PLATFORM`]: platform, [`${prefix}OS`]: os, [`${prefix}ARCH`]: arch, [`${prefix}VARIANT`]: variant };
};

/** FROM [--platform=…] image [AS name], split on blanks as BuildKit does. */
const parseFrom = (body: string): { image: string; name?: string } => {
  const words = body.trim().split(/\s+/);
  const image = words[0] ?? "";
  const asIndex = words.findIndex((word, i) => i > 0 && word.toLowerCase() === "as");
  const name = asIndex > 0 ? words[asIndex + 1] : undefined;
  return name === undefined ? { image } : { image, name: name.toLowerCase() };
};

const expandBase = (raw: string, globals: Readonly<Record<string, string | undefined>>, escape: string): { image: string; unresolved: readonly string[]; used: readonly string[] } => {
  try {
    const { value, unresolved, used } = processWord(raw, globals, escape);
    return { image: value, unresolved, used };
  } catch (error) {
    if (error instanceof LexError) return { image: "", unresolved: [], used: [] };
    throw error;
  }
};

export const resolveStages = (dockerfile: ParsedDockerfile, options: StageOptions): StageGraph => {
  const { buildArgs, target, buildPlatform } = options;
  const globals: Record<string, string | undefined> =
    buildPlatform === undefined ? {} : { ...platformArgs("BUILD", buildPlatform), ...platformArgs("TARGET", options.platform ?? buildPlatform) };
  const stages: BuildStage[] = [];
  let current: { from: DockerfileInstruction; base: StageBase; name?: string; parent?: number; instructions: DockerfileInstruction[] } | undefined;
  const close = (): void => {
    if (current) stages.push({ index: stages.length, ...current });
  };
  for (const instruction of dockerfile.instructions) {
    if (instruction.keyword === "FROM") {
      close();
      const { image: raw, name } = parseFrom(instruction.body);
      const { image, unresolved, used } = expandBase(raw, globals, dockerfile.escape);
      const fromBuildArgs = used.filter((variable, i) => Object.hasOwn(buildArgs, variable) && Object.hasOwn(globals, variable) && used.indexOf(variable) === i);
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
      for (const { name, value } of nameValuePairs(instruction, dockerfile.escape)) {
        globals[name] = Object.hasOwn(buildArgs, name) ? buildArgs[name] : value === undefined ? globals[name] : expandBase(value, globals, dockerfile.escape).image;
      }
    }
  }
  close();
  const wanted = target?.toLowerCase();
  const final = wanted === undefined ? stages.at(-1) : stages.find((stage) => stage.name === wanted);
  return final === undefined ? { stages, globals } : { stages, final, globals };
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
