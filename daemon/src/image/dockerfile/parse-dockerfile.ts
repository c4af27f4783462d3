/**
 * devloop's one Dockerfile parser, reading a Dockerfile as BuildKit's (frontend/dockerfile/parser, 1.4+) does: a
 * UTF-8 byte-order mark dropped, parser directives first (`# syntax=`, `# escape=`, `# check=`; the first other line
 * ends them), the escape character as the line continuation (`\`, or `` ` ``; an escaped one is no continuation),
 * comment and empty lines inside a continuation skipped, continuation lines joined as written, leading `--flags`,
 * exec (JSON) form, and heredocs: in the words of a RUN/COPY/ADD line (ONBUILD's too; not in exec form), `<<NAME`,
 * `<<-NAME` (leading tabs stripped), `<<"NAME"` (quoted: no expansion), `<< NAME`, each body up to its terminator line.
 * Instructions keep their 1-based line and column and their last line; the raw lines are kept for rewriting. It never
 * throws: an unterminated heredoc is a located problem, and a line it cannot read is an instruction the checks ignore.
 * What BuildKit refuses (an unknown instruction, a bad FROM, a flag its BFlags rejects, an exec-form array of
 * non-strings, a bad or repeated directive) or what its versions read differently (text after an exec-form array) is a
 * located syntax problem (instruction-rules.ts, builder-flags.ts, exec-form.ts).
 * Used by the doctor, the stage resolver (stages.ts), the image healthcheck and the heredoc rewrite. Pure.
 */
import type { SplitFlags } from "./builder-flags.js";
import { builderFlagProblem, splitBuilderFlags } from "./builder-flags.js";
import { EXEC_FORM_KEYWORDS, readExecForm } from "./exec-form.js";
import { argumentProblem, instructionRuleProblem } from "./instruction-rules.js";
import { plainWords, rawWords } from "./shell-lex.js";

export interface Heredoc {
  readonly name: string;
  /** Unquoted delimiter: COPY/ADD expand the content. */
  readonly expand: boolean;
  /** `<<-`: leading tabs stripped from each line. */
  readonly chomp: boolean;
  /** The body as written, each line with its "\n". */
  readonly content: string;
}

export interface DockerfileInstruction {
  /** Upper-cased keyword: FROM, RUN, COPY … */
  readonly keyword: string;
  /** Leading --flags as written (`--from=build`, `--mount=type=cache,target=/c`), quotes kept; a `--` ending them is none. */
  readonly rawFlags: readonly string[];
  /** The same flags keyed without the dashes, read as BuildKit reads them (quotes removed, `\x` → x); a repeated flag (several --mount) keeps every value, space-separated. */
  readonly flags: Readonly<Record<string, string>>;
  /** After the keyword and the flags; continuation lines joined as BuildKit joins them (as written, escape removed). */
  readonly body: string;
  /** The JSON array when the body is in exec form (["a", "b"]; RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD, VOLUME); undefined for shell form. */
  readonly json?: readonly string[];
  /** Heredocs (RUN <<EOF / COPY <<EOF /x), in order. */
  readonly heredocs: readonly Heredoc[];
  readonly line: number;
  readonly column: number;
  /** The last line of the instruction, continuation lines and heredoc terminators included. */
  readonly lastLine: number;
}

export interface DockerfileProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint?: string;
  /** Versions of BuildKit read the line differently (text after an exec-form array) rather than refuse it. */
  readonly readsDifferently?: boolean;
}

export interface ParserDirective {
  /** 0-based line index. */
  readonly index: number;
  /** Lower-cased: syntax, escape, check. */
  readonly name: string;
  readonly value: string;
}

export interface ParsedDockerfile {
  /** The file's lines (a last empty line after the final newline left out). */
  readonly lines: readonly string[];
  readonly directives: readonly ParserDirective[];
  /** The escape character (`# escape=`): `\` or `` ` ``. */
  readonly escape: string;
  readonly instructions: readonly DockerfileInstruction[];
  /** Heredocs that never end, located at their instruction. */
  readonly problems: readonly DockerfileProblem[];
  /**
   * What BuildKit's parser refuses, located at the word: an unknown instruction, one before the first FROM, a bad FROM
   * or ONBUILD trigger, a flag its BFlags rejects (unknown, `--from build` without
   * `=`, repeated, a bad boolean), an exec-form array of non-strings, a bad or repeated parser directive; and text
   * after an exec-form array, which BuildKit versions read differently. At most one per instruction (BuildKit stops at the first).
   */
  readonly syntaxProblems: readonly DockerfileProblem[];
}

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = new Set(["syntax", "escape", "check"]);
const HEREDOC_KEYWORDS = new Set(["RUN", "COPY", "ADD"]);
/** BuildKit splits the keyword from its arguments on these only (reWhitespace). */
const KEYWORD = /^([^\t\v\f\r ]+)[\t\v\f\r ]*/;

/** A heredoc word (`<<EOF`, `<<-"EOF"`, `2<<EOF`) as BuildKit reads it; undefined when the word is none. */
export const parseHeredocWord = (word: string): Omit<Heredoc, "content"> | undefined => {
  const match = HEREDOC_WORD.exec(word);
  const rest = match?.[3] ?? "";
  if (match === null || rest === "") return undefined;
  let words: string[];
  let raw: string[];
  try {
    words = plainWords(rest);
    raw = plainWords(rest, true);
  } catch {
    return undefined;
  }
  const name = words[0];
  if (words.length !== 1 || raw.length !== 1 || name === undefined) return undefined;
  const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
  return { name, expand: quotes(name) === quotes(raw[0] ?? ""), chomp: match[2] === "-" };
};

/** The exec (JSON) form of an instruction's body, ["a", "b"]; undefined for shell form (BuildKit 0.15+'s rule: exec-form.ts). */
export const parseJsonArray = (body: string): readonly string[] | undefined => readExecForm("", body).json;

const splitFlags = (args: string): { rawFlags: string[]; flags: Record<string, string>; body: string; split: SplitFlags } => {
  const split = splitBuilderFlags(args);
  const flags = new Map<string, string>();
  for (const word of split.words) {
    const at = word.text.indexOf("=");
    const name = word.text.slice(2, at < 0 ? undefined : at);
    const value = at < 0 ? "" : word.text.slice(at + 1);
    const earlier = flags.get(name);
    flags.set(name, earlier === undefined ? value : `${earlier} ${value}`);
  }
  return { rawFlags: split.words.map((word) => word.raw), flags: Object.fromEntries(flags), body: split.rest, split };
};

/** Whether BuildKit reads heredocs on this line: RUN/COPY/ADD (or ONBUILD of one) not in exec form. */
const canHaveHeredocs = (keyword: string, body: string): boolean => {
  if (keyword === "ONBUILD") {
    const sub = /^(\S+)\s*([\s\S]*)$/.exec(body.trim());
    return sub !== null && canHaveHeredocs((sub[1] ?? "").toUpperCase(), splitFlags(sub[2] ?? "").body);
  }
  return HEREDOC_KEYWORDS.has(keyword) && parseJsonArray(body) === undefined;
};

/**
 * The parser directives at the top (BuildKit's possibleParserDirective / DirectiveParser): a repeated one, or an
 * escape other than ` or \, is a located problem, as BuildKit refuses the file there.
 */
const parseDirectives = (lines: readonly string[]): { directives: ParserDirective[]; escape: string; next: number; problems: DockerfileProblem[] } => {
  const directives: ParserDirective[] = [];
  const problems: DockerfileProblem[] = [];
  let escape = "\\";
  let index = 0;
  for (; index < lines.length; index++) {
    const raw = lines[index] ?? "";
    const match = DIRECTIVE.exec(raw.trimStart());
    const name = (match?.[1] ?? "").toLowerCase();
    if (!match || !DIRECTIVE_NAMES.has(name)) break;
    const value = match[2] ?? "";
    const at = { line: index + 1, column: raw.length - raw.trimStart().length + 1 };
    const earlier = directives.find((d) => d.name === name);
    if (earlier !== undefined) {
      problems.push({ ...at, message: `# ${name}= is given twice (BuildKit refuses the file): expected one ${name} directive, found a second after line ${earlier.index + 1}`, hint: `keep the one on line ${earlier.index + 1}` });
      break;
    }
    if (name === "escape" && value !== "`" && value !== "\\") {
      problems.push({ ...at, message: `# escape=${value}: expected \` or \\ as the escape character, found "${value}" (BuildKit refuses the file)`, hint: "write # escape=` (for Windows paths) or leave the directive out for \\" });
    } else if (name === "escape") escape = value;
    directives.push({ index, name, value });
  }
  return { directives, escape, next: index, problems };
};

/** Where an offset of an instruction's joined text is in the file: the physical lines it was joined from. */
interface Segment {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

const locate = (segments: readonly Segment[], offset: number): { line: number; column: number } => {
  const segment = segments.findLast((s) => s.offset <= offset) ?? segments[0] ?? { offset: 0, line: 1, column: 1 };
  return { line: segment.line, column: segment.column + offset - segment.offset };
};

/**
 * The first thing BuildKit refuses on this instruction: an unknown instruction, one before the first FROM, FROM's words
 * (instruction-rules.ts), then its flags (BFlags.Parse), then its exec form, then ONBUILD's trigger, then its arguments.
 */
const instructionProblem = (
  keyword: string,
  args: string,
  argsStart: number,
  split: SplitFlags,
  segments: readonly Segment[],
  beforeFrom: boolean,
  escape: string,
): DockerfileProblem | undefined => {
  const at = (offset: number, problem: { message: string; hint: string; readsDifferently?: boolean }): DockerfileProblem => ({
    ...locate(segments, argsStart + offset),
    message: problem.message,
    hint: problem.hint,
    ...(problem.readsDifferently === true ? { readsDifferently: true } : {}),
  });
  const body = args.slice(split.restStart);
  const rule = instructionRuleProblem(keyword, body, beforeFrom);
  if (rule !== undefined && (rule.offset < 0 || keyword !== "ONBUILD")) return at(rule.offset < 0 ? -argsStart : split.restStart + rule.offset, rule);
  const flag = builderFlagProblem(keyword, split);
  if (flag !== undefined) return at(flag.start, flag);
  if (rule !== undefined) return at(split.restStart + rule.offset, rule);
  // The exec form is read by the parser, before instructions.Parse looks at the arguments.
  const type = keyword === "HEALTHCHECK" ? (/^\S+\s*/.exec(body)?.[0] ?? "") : "";
  const json = EXEC_FORM_KEYWORDS.has(keyword) || keyword === "HEALTHCHECK" ? readExecForm(`${keyword}${type === "" ? "" : ` ${type.trim().toUpperCase()}`}`, body.slice(type.length)).problem : undefined;
  if (json !== undefined) return at(split.restStart + type.length + json.offset, json);
  const argument = argumentProblem(keyword, body, escape);
  return argument === undefined ? undefined : at(argument.offset < 0 ? -argsStart : split.restStart + argument.offset, argument);
};

export const parseDockerfile = (text: string): ParsedDockerfile => {
  // Lines end at \n only, their trailing \r dropped (BuildKit's scanLines and trimNewline): a lone \r ends no line.
  const lines = text
    .replace(/^\uFEFF/, "")
    .split("\n")
    .map((line) => line.replace(/\r+$/, ""));
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const { directives, escape, next, problems: syntaxProblems } = parseDirectives(lines);
  const e = escape === "\\" ? "\\\\" : "`";
  const continuation = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
  const isComment = (line: string): boolean => line.trimStart().startsWith("#");
  const instructions: DockerfileInstruction[] = [];
  const problems: DockerfileProblem[] = [];
  let seenFrom = false;
  let index = next;
  while (index < lines.length) {
    const raw = lines[index] ?? "";
    const first = raw.trimStart();
    index++;
    if (first === "" || isComment(first)) continue;
    const line = index;
    const column = raw.length - first.length + 1;
    let joined = first;
    const segments: Segment[] = [{ offset: 0, line, column }];
    let ended = !continuation.test(joined);
    if (!ended) joined = joined.replace(continuation, "$1");
    while (!ended && index < lines.length) {
      const following = lines[index] ?? "";
      index++;
      if (isComment(following) || following.trim() === "") continue;
      segments.push({ offset: joined.length, line: index, column: 1 });
      ended = !continuation.test(following);
      joined += ended ? following : following.replace(continuation, "$1");
    }
    const match = KEYWORD.exec(joined);
    const keyword = (match?.[1] ?? "").toUpperCase();
    const argsStart = match?.[0].length ?? 0;
    const args = joined.slice(argsStart);
    const { rawFlags, flags, body, split } = splitFlags(args);
    const syntaxProblem = instructionProblem(keyword, args, argsStart, split, segments, !seenFrom, escape);
    if (syntaxProblem !== undefined) syntaxProblems.push(syntaxProblem);
    if (keyword === "FROM") seenFrom = true;
    const heredocs: Heredoc[] = [];
    if (joined.includes("<<") && canHaveHeredocs(keyword, body)) {
      for (const word of rawWords(joined)) {
        const heredoc = parseHeredocWord(word);
        if (heredoc === undefined) continue;
        let content = "";
        let terminated = false;
        while (index < lines.length) {
          const bodyLine = lines[index] ?? "";
          index++;
          if ((heredoc.chomp ? bodyLine.replace(/^\t+/, "") : bodyLine) === heredoc.name) {
            terminated = true;
            break;
          }
          content += `${bodyLine}\n`;
        }
        if (!terminated) {
          problems.push({
            line,
            column,
            message: `${keyword} <<${heredoc.name}: unterminated heredoc, no line "${heredoc.name}" after it (up to line ${index})`,
            hint: `end the heredoc with a line that is exactly ${heredoc.name}${heredoc.chomp ? " (leading tabs allowed with <<-)" : " (no spaces around it)"}`,
          });
          break;
        }
        heredocs.push({ ...heredoc, content });
      }
    }
    const json = EXEC_FORM_KEYWORDS.has(keyword) ? parseJsonArray(body) : undefined;
    instructions.push({ keyword, rawFlags, flags, body, ...(json === undefined ? {} : { json }), heredocs, line, column, lastLine: index });
  }
  if (!seenFrom) {
    // parser.Parse: "file with no instructions"; dockerfile2llb: "dockerfile contains no stages to build".
    const last = instructions.at(-1);
    syntaxProblems.push(
      last === undefined
        ? { line: 1, column: 1, message: "the Dockerfile has no instruction: expected FROM <image> at least, found none (BuildKit: file with no instructions)", hint: "start with FROM <image>" }
        : { line: last.line, column: last.column, message: `expected a FROM after the ${last.keyword} on line ${last.line}, found none (BuildKit: dockerfile contains no stages to build)`, hint: "add FROM <image> after the global ARGs" },
    );
  }
  return { lines, directives, escape, instructions, problems, syntaxProblems };
};

/** Whether the Dockerfile has a heredoc (as BuildKit 1.4+ reads it), an unterminated one included. */
export const hasHeredocs = (parsed: ParsedDockerfile): boolean => parsed.instructions.some((i) => i.heredocs.length > 0) || parsed.problems.length > 0;

/** The value of a parser directive (`syntax`, `escape`, `check`), if the Dockerfile has it. */
export const directiveValue = (parsed: ParsedDockerfile, name: string): string | undefined => parsed.directives.find((d) => d.name === name)?.value;

/** A heredoc's body with `<<-`'s leading tabs stripped. */
export const heredocBody = (heredoc: Heredoc): string => (heredoc.chomp ? heredoc.content.replace(/^\t+/gm, "") : heredoc.content);

/**
 * The NAME[=value] pairs of ARG, ENV or LABEL as BuildKit's parser splits them (words with quotes kept; ENV and LABEL
 * also in the legacy `ENV NAME value with spaces` form). Values are as written: expand them (processWord) or unquote
 * them. `ARG NAME` has no value.
 */
export const nameValuePairs = (instruction: { readonly keyword: string; readonly body: string }, escape = "\\"): { name: string; value?: string }[] => {
  const words = rawWords(instruction.body, escape);
  const firstWord = words[0] ?? "";
  if (instruction.keyword !== "ARG" && firstWord !== "" && !firstWord.includes("=")) {
    // The legacy form is split at the first blank, not at the first word (parseNameVal: reWhitespace.Split(rest, 2)).
    const [name = "", value = ""] = instruction.body.trim().split(/(?<=^[^\t\v\f\r ]+)[\t\v\f\r ]+/);
    return [{ name, value }];
  }
  return words.map((word) => {
    const at = word.indexOf("=");
    return at < 0 ? { name: word } : { name: word.slice(0, at), value: word.slice(at + 1) };
  });
};
