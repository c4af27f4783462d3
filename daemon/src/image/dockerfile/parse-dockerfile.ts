/**
 * devloop's one Dockerfile parser, reading a Dockerfile as BuildKit's (frontend/dockerfile/parser, 1.4+) does: a
 * UTF-8 byte-order mark dropped, parser directives first (`# syntax=`, `# escape=`, `# check=`; the first other line
 * ends them), the escape character as the line continuation (`\`, or `` ` ``; an escaped one is no continuation),
 * comment and empty lines inside a continuation skipped, continuation lines joined as written, leading `--flags`,
 * exec (JSON) form, and heredocs: in the words of a RUN/COPY/ADD line (ONBUILD's too; not in exec form), `<<NAME`,
 * `<<-NAME` (leading tabs stripped), `<<"NAME"` (quoted: no expansion), `<< NAME`, each body up to its terminator line.
 * Instructions keep their 1-based line and column and their last line; the raw lines are kept for rewriting. It never
 * throws: an unterminated heredoc is a located problem, and a line it cannot read is an instruction the checks ignore.
 * Used by the doctor, the stage resolver (stages.ts), the image healthcheck and the heredoc rewrite. Pure.
 */
import { plainWords, rawWords, unquote } from "./shell-lex.js";

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
  /** Leading --flags as written (`--from=build`, `--mount=type=cache,target=/c`), quotes kept. */
  readonly rawFlags: readonly string[];
  /** The same flags keyed without the dashes, values unquoted; a repeated flag (several --mount) keeps every value, space-separated. */
  readonly flags: Readonly<Record<string, string>>;
  /** After the keyword and the flags; continuation lines joined as BuildKit joins them (as written, escape removed). */
  readonly body: string;
  /** The JSON array when the body is in exec form (["a", "b"]); undefined for shell form. */
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
}

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = new Set(["syntax", "escape", "check"]);
const HEREDOC_KEYWORDS = new Set(["RUN", "COPY", "ADD"]);
const FLAG = /^(--[A-Za-z][A-Za-z0-9-]*(?:=(?:"[^"]*"|'[^']*'|[^\s"'])*)?)(?:\s+|$)/;

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

/** The exec (JSON) form of an instruction's body, ["a", "b"]; undefined for shell form (Docker's rule too). */
export const parseJsonArray = (body: string): readonly string[] | undefined => {
  const trimmed = body.trim();
  if (!trimmed.startsWith("[")) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  } catch {
    // Not valid JSON: Docker treats it as shell form too.
  }
  return undefined;
};

const splitFlags = (args: string): { rawFlags: string[]; flags: Record<string, string>; body: string } => {
  const rawFlags: string[] = [];
  const flags: Record<string, string> = {};
  let body = args;
  for (let match = FLAG.exec(body); match !== null; match = FLAG.exec(body)) {
    const flag = match[1] ?? "";
    rawFlags.push(flag);
    const at = flag.indexOf("=");
    const name = flag.slice(2, at < 0 ? undefined : at);
    const value = at < 0 ? "" : unquote(flag.slice(at + 1));
    flags[name] = name in flags ? `${flags[name] ?? ""} ${value}` : value;
    body = body.slice(match[0].length);
  }
  return { rawFlags, flags, body };
};

/** Whether BuildKit reads heredocs on this line: RUN/COPY/ADD (or ONBUILD of one) not in exec form. */
const canHaveHeredocs = (keyword: string, body: string): boolean => {
  if (keyword === "ONBUILD") {
    const sub = /^(\S+)\s*([\s\S]*)$/.exec(body.trim());
    return sub !== null && canHaveHeredocs((sub[1] ?? "").toUpperCase(), splitFlags(sub[2] ?? "").body);
  }
  return HEREDOC_KEYWORDS.has(keyword) && parseJsonArray(body) === undefined;
};

const parseDirectives = (lines: readonly string[]): { directives: ParserDirective[]; escape: string; next: number } => {
  const directives: ParserDirective[] = [];
  let escape = "\\";
  let index = 0;
  for (; index < lines.length; index++) {
    const match = DIRECTIVE.exec((lines[index] ?? "").trimStart());
    const name = (match?.[1] ?? "").toLowerCase();
    if (!match || !DIRECTIVE_NAMES.has(name) || directives.some((d) => d.name === name)) break;
    const value = match[2] ?? "";
    if (name === "escape" && (value === "`" || value === "\\")) escape = value;
    directives.push({ index, name, value });
  }
  return { directives, escape, next: index };
};

export const parseDockerfile = (text: string): ParsedDockerfile => {
  const lines = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const { directives, escape, next } = parseDirectives(lines);
  const e = escape === "\\" ? "\\\\" : "`";
  const continuation = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
  const isComment = (line: string): boolean => line.trimStart().startsWith("#");
  const instructions: DockerfileInstruction[] = [];
  const problems: DockerfileProblem[] = [];
  let index = next;
  while (index < lines.length) {
    const raw = lines[index] ?? "";
    const first = raw.trimStart();
    index++;
    if (first === "" || isComment(first)) continue;
    const line = index;
    const column = raw.length - first.length + 1;
    let joined = first;
    let ended = !continuation.test(joined);
    if (!ended) joined = joined.replace(continuation, "$1");
    while (!ended && index < lines.length) {
      const following = lines[index] ?? "";
      index++;
      if (isComment(following) || following.trim() === "") continue;
      ended = !continuation.test(following);
      joined += ended ? following : following.replace(continuation, "$1");
    }
    const match = /^(\S+)\s*([\s\S]*)$/.exec(joined.trim());
    const keyword = (match?.[1] ?? "").toUpperCase();
    const { rawFlags, flags, body } = splitFlags(match?.[2] ?? "");
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
    const json = parseJsonArray(body);
    instructions.push({ keyword, rawFlags, flags, body: body.trimStart(), ...(json === undefined ? {} : { json }), heredocs, line, column, lastLine: index });
  }
  return { lines, directives, escape, instructions, problems };
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
    return [{ name: firstWord, value: instruction.body.trim().slice(firstWord.length).trim() }];
  }
  return words.map((word) => {
    const at = word.indexOf("=");
    return at < 0 ? { name: word } : { name: word.slice(0, at), value: word.slice(at + 1) };
  });
};
