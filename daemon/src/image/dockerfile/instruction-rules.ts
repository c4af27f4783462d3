/**
 * What BuildKit's instructions.Parse refuses in an instruction's words, beyond its flags and exec form
 * (frontend/dockerfile/instructions/parse.go): an unknown instruction (UnknownInstruction), FROM with other than one or
 * three words or a bad stage name (parseBuildStageName), ONBUILD ONBUILD / FROM / MAINTAINER (parseOnBuild), and an
 * instruction other than ARG before the first FROM ("no build stage in current context"). Pure.
 */

export const INSTRUCTIONS: readonly string[] = ["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"];
const KNOWN = new Set(INSTRUCTIONS);
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** b is a with one character more (or the same with a and b swapped). */
const oneMore = (a: string, b: string): boolean => b.length === a.length + 1 && [...b].some((_, i) => b.slice(0, i) + b.slice(i + 1) === a);

/** A known instruction one typo away: a character replaced, added or left out (image/ imports no other folder's "did you mean"). */
const typoOf = (word: string): string | undefined =>
  INSTRUCTIONS.find((k) => (k.length === word.length && [...k].filter((c, i) => c !== word[i]).length === 1) || oneMore(k, word) || oneMore(word, k));

export interface RuleProblem {
  /** Offset in the instruction's arguments (after its flags); -1: at the keyword. */
  readonly offset: number;
  readonly message: string;
  readonly hint: string;
}

/** The first rule of instructions.Parse this instruction breaks; `beforeFrom`: no FROM came before it. */
export const instructionRuleProblem = (keyword: string, args: string, beforeFrom: boolean): RuleProblem | undefined => {
  if (!KNOWN.has(keyword)) {
    const near = keyword.length > 2 ? typoOf(keyword) : undefined;
    return {
      offset: -1,
      message: `${keyword}: BuildKit knows no such instruction: expected an instruction (FROM, RUN, COPY, ENV, CMD…), found "${keyword}"`,
      hint: near === undefined ? "a line that goes on the previous one's instruction needs the escape character (\\) at the end of that line" : `did you mean ${near}?`,
    };
  }
  if (beforeFrom && keyword !== "ARG" && keyword !== "FROM") {
    return { offset: -1, message: `${keyword}: expected FROM before it, only ARG may come before the first FROM (BuildKit: no build stage in current context)`, hint: "start the stage with FROM <image>" };
  }
  const words = args.split(/[\t\v\f\r ]+/).filter((word) => word !== "");
  if (keyword === "FROM") {
    if (!(words.length === 1 || (words.length === 3 && /^as$/i.test(words[1] ?? "")))) {
      return { offset: 0, message: `FROM: expected an image, or an image AS a name (one or three words), found ${words.length} word${words.length === 1 ? "" : "s"}`, hint: "FROM <image> [AS <name>]" };
    }
    const name = words[2];
    if (name !== undefined && !STAGE_NAME.test(name.toLowerCase())) {
      return { offset: args.lastIndexOf(name), message: `FROM … AS ${name}: expected a stage name that starts with a letter and holds letters, digits, -, _ and . only, found "${name}"`, hint: "name the stage like build or go-build-1.22" };
    }
  }
  if (keyword === "ONBUILD") {
    const trigger = (words[0] ?? "").toUpperCase();
    if (trigger === "ONBUILD" || trigger === "FROM" || trigger === "MAINTAINER") {
      return { offset: 0, message: `ONBUILD ${trigger}: BuildKit refuses ${trigger} as an ONBUILD trigger`, hint: trigger === "ONBUILD" ? "one ONBUILD per trigger: ONBUILD RUN …" : "ONBUILD takes RUN, COPY, ENV… instructions only" };
    }
  }
  return undefined;
};
