/**
 * What BuildKit's instructions.Parse refuses in an instruction's words, beyond its flags and exec form
 * (frontend/dockerfile/instructions/parse.go): an unknown instruction (UnknownInstruction), FROM with other than one or
 * three words or a bad stage name (parseBuildStageName), ONBUILD ONBUILD / FROM / MAINTAINER (parseOnBuild), and an
 * instruction other than ARG before the first FROM ("no build stage in current context"), and each instruction's
 * arguments (argumentProblem: how many, ENV/LABEL pairs, SHELL's JSON, HEALTHCHECK's type). Pure.
 */
import { readExecForm } from "./exec-form.js";
import { rawWords } from "./shell-lex.js";

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

const AT_LEAST_ONE = new Set(["EXPOSE", "VOLUME", "ONBUILD", "HEALTHCHECK", "ARG"]);
const EXACTLY_ONE = new Set(["USER", "WORKDIR", "MAINTAINER", "STOPSIGNAL"]);

/** No argument where BuildKit asks for some: `requires` is its words ("exactly one argument"). */
const missing = (keyword: string, requires: string, usage = `${keyword} <argument>`): RuleProblem => ({
  offset: -1,
  message: `${keyword}: expected ${requires.replace(/^exactly /, "")}, found none (BuildKit: ${keyword} requires ${requires})`,
  hint: usage,
});

/** ENV and LABEL as parseNameVal and parseKvps read them: `NAME value` (two words at least) or NAME=value pairs only. */
const pairsProblem = (keyword: string, args: string, escape: string): RuleProblem | undefined => {
  const words = rawWords(args, escape);
  const first = words[0];
  if (first === undefined) return args.trim() === "" ? missing(keyword, "at least one argument", `${keyword} NAME=value`) : undefined;
  if (!first.includes("=")) {
    return args.trim().split(/[\t\v\f\r ]+/).length < 2
      ? { offset: 0, message: `${keyword} ${first}: expected NAME=value or NAME value, found a name and no value (BuildKit: ${keyword} must have two arguments)`, hint: `${keyword} ${first}=<value>` }
      : undefined;
  }
  const bad = words.find((word) => !word.includes("="));
  if (bad !== undefined) {
    return { offset: Math.max(0, args.indexOf(bad)), message: `${keyword}: expected NAME=value pairs only, found "${bad}" without = after ${first.slice(0, first.indexOf("=") + 1)}…`, hint: `quote a value with blanks: ${keyword} A="one two"` };
  }
  const blank = words.find((word) => word.startsWith("="));
  return blank === undefined ? undefined : { offset: Math.max(0, args.indexOf(blank)), message: `${keyword}: expected a name before =, found "${blank}" (BuildKit: ${keyword} names can not be blank)`, hint: `${keyword} NAME${blank}` };
};

/** The arguments instructions/parse.go refuses: how many there are, ENV/LABEL pairs, SHELL's JSON, HEALTHCHECK's type. */
export const argumentProblem = (keyword: string, args: string, escape: string): RuleProblem | undefined => {
  const text = args.trim();
  if (keyword === "ENV" || keyword === "LABEL") return pairsProblem(keyword, args, escape);
  if ((AT_LEAST_ONE.has(keyword) || EXACTLY_ONE.has(keyword)) && text === "") return missing(keyword, EXACTLY_ONE.has(keyword) ? "exactly one argument" : "at least one argument");
  if (keyword === "ARG") {
    const blank = rawWords(args, escape).find((word) => word.startsWith("="));
    return blank === undefined ? undefined : { offset: Math.max(0, args.indexOf(blank)), message: `ARG: expected a name before =, found "${blank}" (BuildKit: ARG names can not be blank)`, hint: `ARG NAME${blank}` };
  }
  if (keyword === "COPY" || keyword === "ADD") {
    const count = readExecForm(keyword, args).json?.length ?? text.split(/[\t\v\f\r ]+/).filter((w) => w !== "").length;
    return count < 2 ? { offset: -1, message: `${keyword}: expected a source and a destination, found ${count === 0 ? "none" : "one argument"} (BuildKit: ${keyword} requires at least two arguments)`, hint: `${keyword} <source>… <destination>` } : undefined;
  }
  if (keyword === "SHELL") {
    const json = readExecForm(keyword, args).json;
    if (json === undefined) return { offset: 0, message: `SHELL: expected a JSON array, found ${text === "" ? "none" : `"${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`} (BuildKit: SHELL requires the arguments to be in JSON form)`, hint: 'SHELL ["/bin/bash", "-c"]' };
    return json.length === 0 ? { offset: 0, message: "SHELL: expected a shell in the array, found []", hint: 'SHELL ["/bin/bash", "-c"]' } : undefined;
  }
  if (keyword === "HEALTHCHECK") {
    const [type = "", ...rest] = text.split(/\s+/);
    const upper = type.toUpperCase();
    if (upper === "NONE" && rest.length > 0) return { offset: 0, message: `HEALTHCHECK NONE: expected nothing after NONE, found "${rest.join(" ")}"`, hint: "HEALTHCHECK NONE" };
    if (upper !== "NONE" && upper !== "CMD") return { offset: 0, message: `HEALTHCHECK: expected CMD or NONE, found "${type}" (BuildKit: unknown type in HEALTHCHECK)`, hint: "HEALTHCHECK [--interval=…] CMD <command>" };
    if (upper === "CMD" && rest.length === 0) return { offset: 0, message: "HEALTHCHECK CMD: expected a command after CMD, found none", hint: "HEALTHCHECK CMD curl -f http://localhost/ || exit 1" };
  }
  return undefined;
};
