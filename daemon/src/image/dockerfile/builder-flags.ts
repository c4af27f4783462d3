/**
 * An instruction's leading `--flags`, read as BuildKit reads them: the words are split as its extractBuilderFlags
 * splits them (frontend/dockerfile/parser/split_command.go), then checked as its BFlags.Parse checks them
 * (frontend/dockerfile/instructions/bflag.go) against the flags each instruction declares (instructions/parse.go).
 * Pure.
 */

/** One flag word: as written (quotes kept), as BuildKit reads it (quotes removed, `\x` → `x`), and where it starts. */
export interface FlagWord {
  readonly raw: string;
  readonly text: string;
  /** Offset of the word in the text given to splitBuilderFlags. */
  readonly start: number;
}

export interface SplitFlags {
  readonly words: readonly FlagWord[];
  /** The rest of the text after the flags (BuildKit trims it). */
  readonly rest: string;
  /** Offset of `rest` in the text given. */
  readonly restStart: number;
}

// extractBuilderFlags reads the line byte by byte and asks unicode.IsSpace of each byte: ASCII blanks, NEL and NBSP.
const isSpace = (ch: string): boolean => /^[\t\n\v\f\r \u0085\u00a0]$/.test(ch);

/**
 * The leading flag words of an instruction's arguments, as extractBuilderFlags splits them: each word starting with
 * `--`, quotes removed anywhere in it, `\` escaping the next character (in quotes too); a word `--` ends the flags and
 * is no flag; the first word not starting with `--` starts the rest.
 */
export const splitBuilderFlags = (line: string): SplitFlags => {
  const words: FlagWord[] = [];
  let phase: "spaces" | "word" | "quote" = "spaces";
  let word = "";
  let start = 0;
  let quote = "";
  let blankOK = false;
  const rest = (at: number): SplitFlags => {
    const text = line.slice(at);
    const lead = text.length - text.trimStart().length;
    return { words, rest: text.trim(), restStart: at + lead };
  };
  for (let pos = 0; pos <= line.length; pos++) {
    const ch = line[pos] ?? "";
    if (phase === "spaces") {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (ch !== "-" || line[pos + 1] !== "-") return rest(pos);
      phase = "word";
      start = pos;
    }
    if (pos === line.length) {
      if (word !== "--" && (blankOK || word.length > 0)) words.push({ raw: line.slice(start), text: word, start });
      break;
    }
    if (phase === "word") {
      if (isSpace(ch)) {
        phase = "spaces";
        if (word === "--") return rest(pos);
        if (blankOK || word.length > 0) words.push({ raw: line.slice(start, pos), text: word, start });
        word = "";
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = "quote";
        continue;
      }
      if (ch === "\\") {
        if (pos + 1 === line.length) continue;
        pos++;
      }
      word += line[pos] ?? "";
      continue;
    }
    if (ch === quote) {
      phase = "word";
      continue;
    }
    if (ch === "\\") {
      if (pos + 1 === line.length) {
        phase = "word";
        continue;
      }
      pos++;
    }
    word += line[pos] ?? "";
  }
  return { words, rest: "", restStart: line.length };
};

type FlagKind = "bool" | "string" | "strings";

/**
 * The flags each instruction declares, in BuildKit's current frontend (labs flags included, so a Dockerfile written for
 * `# syntax=docker/dockerfile:1-labs` is not refused). STOPSIGNAL and `HEALTHCHECK NONE` never parse their flags, and
 * ARG's (`--required` now) were ignored by the frontend Docker 20.10 ships: no check for those.
 */
const DECLARED: Readonly<Record<string, Readonly<Record<string, FlagKind>>>> = {
  ADD: { chown: "string", chmod: "string", link: "bool", "keep-git-dir": "bool", checksum: "string", unpack: "bool", exclude: "strings" },
  COPY: { from: "string", chown: "string", chmod: "string", link: "bool", parents: "bool", exclude: "strings" },
  FROM: { platform: "string" },
  RUN: { mount: "strings", network: "string", security: "string", device: "strings" },
  HEALTHCHECK: { interval: "string", timeout: "string", "start-period": "string", "start-interval": "string", retries: "string" },
};
const UNCHECKED = new Set(["ARG", "STOPSIGNAL"]);
/** Instructions BuildKit knows; an unknown one fails as an unknown instruction, not on its flags. */
const KNOWN = new Set(["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"]);

export interface FlagProblem {
  /** Offset of the flag word in the text given to splitBuilderFlags. */
  readonly start: number;
  readonly message: string;
  readonly hint: string;
}

/**
 * The first flag BuildKit's BFlags.Parse refuses on this instruction (it stops at the first): an unknown flag, a
 * string flag without `=value` (`--from build`: the value after a space is no value), a repeated flag that takes one
 * value, a boolean flag with `=` and no value or a value other than true/false. `rest` is what follows the flags.
 */
export const builderFlagProblem = (keyword: string, split: SplitFlags): FlagProblem | undefined => {
  if (!KNOWN.has(keyword) || UNCHECKED.has(keyword)) return undefined;
  if (keyword === "HEALTHCHECK" && /^none(\s|$)/i.test(split.rest)) return undefined;
  const declared = DECLARED[keyword] ?? {};
  const used = new Map<string, string>();
  for (const word of split.words) {
    const at = word.text.indexOf("=");
    const name = word.text.slice(2, at < 0 ? undefined : at);
    const value = at < 0 ? "" : word.text.slice(at + 1);
    const kind = declared[name];
    const problem = (message: string, hint: string): FlagProblem => ({ start: word.start, message: `${keyword} --${name}: ${message}`, hint });
    if (kind === undefined) {
      const names = Object.keys(declared).map((n) => `--${n}`);
      return problem(
        `BuildKit has no such flag on ${keyword}: expected ${names.length === 0 ? "no flag" : `one of ${names.join(", ")}`}, found "${word.raw}"`,
        `a word starting with "--" right after ${keyword} is read as a flag: put "--" before it (${keyword} -- ${word.raw}), or drop it`,
      );
    }
    const first = used.get(name);
    if (first !== undefined && kind !== "strings") {
      return problem(`given twice: expected it once, found "${first}" and "${word.raw}"`, `keep one --${name}`);
    }
    used.set(name, word.raw);
    if (kind === "bool" && at >= 0 && !/^(true|false)$/i.test(value)) {
      return problem(`expected --${name}, --${name}=true or --${name}=false, found "${word.raw}"`, `write --${name} alone to turn it on`);
    }
    if (kind !== "bool" && at < 0) {
      const next = split.words.length > 0 && word === split.words.at(-1) ? split.rest.split(/\s+/)[0] : undefined;
      return problem(
        `expected a value, --${name}=<value>; found "${word.raw}"${next ? ` followed by "${next}"` : ""}`,
        `BuildKit reads a flag's value only after "=" (--${name}=${next ?? "…"}): a word after a space starts the instruction's arguments`,
      );
    }
  }
  return undefined;
};
