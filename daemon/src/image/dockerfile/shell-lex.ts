/**
 * BuildKit's Dockerfile shell lexer (frontend/dockerfile/shell/lex.go), devloop's one variable expander: splitting a
 * line into words (quotes and escapes kept raw, as the parser finds heredocs), and variable expansion (`$NAME`,
 * `${NAME}`, `${NAME:-word}`, `-`, `:+`, `+`, `?`, `#`, `%`, `/`) with or without quote processing, for FROM and
 * ARG/ENV values (the Dockerfile's `# escape=` character) and heredoc content (always `\`, as BuildKit's heredoc code
 * fixes it). Pure.
 */

export interface LexOptions {
  /** Quotes are processed (removed, their content literal); false keeps them as plain characters (SkipProcessQuotes). */
  readonly processQuotes: boolean;
  /** Processed quotes stay in the result (RawQuotes). */
  readonly rawQuotes?: boolean;
  /** The escape character stays in the result (RawEscapes). */
  readonly rawEscapes?: boolean;
  /** An unset variable stays as written ($NAME) instead of expanding to "" (SkipUnsetEnv). */
  readonly skipUnset?: boolean;
  /** undefined: no variable is expanded at all ($ is a plain character). A name mapped to undefined is unset. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The escape character: `\` (default) or the Dockerfile's `# escape=` one. */
  readonly escape?: string;
}

export class LexError extends Error {}

const isSpace = (ch: string): boolean => /^\s$/u.test(ch);
const isNameChar = (ch: string): boolean => /^[\p{L}\p{Nd}_]$/u.test(ch);
const isDigit = (ch: string): boolean => /^\p{Nd}$/u.test(ch);
const SPECIAL = new Set(["@", "*", "#", "?", "-", "$", "!", "0"]);

interface Result {
  readonly text: string;
  readonly words: string[];
}

class Words {
  word = "";
  inWord = false;
  readonly words: string[] = [];
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.word !== "") {
        this.words.push(this.word);
        this.word = "";
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }
  addRaw(text: string): void {
    this.word += text;
    this.inWord = true;
  }
  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }
  done(): string[] {
    if (this.word !== "") this.words.push(this.word);
    this.word = "";
    return this.words;
  }
}

const EOF = "";

class Lexer {
  private readonly chars: string[];
  private readonly escape: string;
  private pos = 0;
  /** Variables read, in order (set or not), and those read with no value and no default (BuildKit's unmatched). */
  readonly used: string[] = [];
  readonly unset: string[] = [];
  constructor(
    text: string,
    private readonly options: LexOptions,
  ) {
    this.chars = [...text];
    this.escape = options.escape ?? "\\";
  }
  private peek(): string {
    return this.chars[this.pos] ?? EOF;
  }
  private next(): string {
    const ch = this.chars[this.pos] ?? EOF;
    if (ch !== EOF) this.pos++;
    return ch;
  }

  /** processStopOn: up to `stop` (consumed) or the end. */
  run(stop: string, rawEscapes: boolean, heredocWords = false): Result {
    const words = new Words();
    let text = "";
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (stop !== EOF && ch === stop) {
        this.next();
        return { text, words: words.done() };
      }
      if (ch === "$" && this.options.env !== undefined) {
        const value = this.dollar();
        text += value;
        words.addString(value);
      } else if ((ch === "'" || ch === '"') && this.options.processQuotes) {
        const value = ch === "'" ? this.singleQuote() : this.doubleQuote(rawEscapes);
        text += value;
        words.addRaw(value);
      } else {
        let c = this.next();
        if (c === this.escape) {
          if (rawEscapes) {
            words.addRaw(c);
            text += c;
          }
          c = this.next();
          if (c === EOF) break;
          words.addRaw(c);
        } else words.addChar(c);
        text += c;
        // `<< EOF`: the blanks after a heredoc's << belong to its word (BuildKit's lexer does the same).
        if (heredocWords && /^\d*<<-?$/.test(words.word)) while (this.peek() !== EOF && /^[ \t]$/.test(this.peek())) text += this.next();
      }
    }
    if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
    return { text, words: words.done() };
  }

  private singleQuote(): string {
    let out = this.next();
    if (!this.options.rawQuotes) out = "";
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError("unexpected end of statement while looking for matching single-quote");
      if (ch === "'") return this.options.rawQuotes ? `${out}'` : out;
      out += ch;
    }
  }

  private doubleQuote(rawEscapes: boolean): string {
    let out = this.next();
    if (!this.options.rawQuotes) out = "";
    for (;;) {
      const peek = this.peek();
      if (peek === EOF) throw new LexError("unexpected end of statement while looking for matching double-quote");
      if (peek === '"') {
        this.next();
        return this.options.rawQuotes ? `${out}"` : out;
      }
      if (peek === "$" && this.options.env !== undefined) {
        out += this.dollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.escape) {
        if (rawEscapes) out += ch;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === "$" || after === this.escape) ch = this.next();
      }
      out += ch;
    }
  }

  private name(): string {
    let name = "";
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name === "" && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name === "" && SPECIAL.has(ch)) return this.next();
      if (!isNameChar(ch)) break;
      name += this.next();
    }
    return name;
  }

  private lookup(name: string): string | undefined {
    const env = this.options.env ?? {};
    this.used.push(name);
    return Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
  }

  /** A plain `$NAME` / `${NAME}` read: its value, an unset one noted. */
  private plain(name: string): string | undefined {
    const value = this.lookup(name);
    if (value === undefined) this.unset.push(name);
    return value;
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== "{") {
      const name = this.name();
      if (name === "") return "$";
      const value = this.plain(name);
      if (value === undefined && this.options.skipUnset) return `$${name}`;
      return value ?? "";
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw new LexError("syntax error: bad substitution");
    const name = this.name();
    let ch = this.next();
    let modifier = ch;
    const value = (): string | undefined => this.lookup(name);
    if (ch === "}") {
      const v = this.plain(name);
      if (v === undefined && this.options.skipUnset) return `\${${name}}`;
      return v ?? "";
    }
    let nullIsUnset = false;
    if (ch === ":") {
      nullIsUnset = true;
      ch = this.next();
      modifier += ch;
    }
    if (nullIsUnset || ["+", "-", "?", "#", "%"].includes(ch)) {
      let word: string;
      try {
        word = this.run("}", ch === "#" || ch === "%").text;
      } catch (error) {
        if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
        throw error;
      }
      const v = value();
      if (v === undefined && this.options.skipUnset) return `\${${name}${modifier}${word}}`;
      const empty = v === undefined || (nullIsUnset && v === "");
      if (ch === "-") return empty ? word : (v ?? "");
      if (ch === "+") return empty ? "" : word;
      if (ch === "?") {
        if (v === undefined) throw new LexError(`${name}: ${word || "is not allowed to be unset"}`);
        if (nullIsUnset && v === "") throw new LexError(`${name}: ${word || "is not allowed to be empty"}`);
        return v;
      }
      if (ch !== "#" && ch !== "%") throw new LexError(`unsupported modifier (${modifier}) in substitution`);
      const greedy = word.startsWith(ch);
      const pattern = greedy ? word.slice(1) : word;
      return ch === "%" ? trimSuffix(pattern, v ?? "", greedy) : trimPrefix(pattern, v ?? "", greedy);
    }
    if (ch === "/" && !nullIsUnset) {
      const all = this.peek() === "/";
      if (all) this.next();
      const pattern = this.run("/", true).text;
      const replacement = this.run("}", true).text;
      const v = value();
      if (v === undefined && this.options.skipUnset) return `\${${name}/${pattern}/${replacement}}`;
      const re = patternRegex(pattern, true, false, all);
      return (v ?? "").replace(re, () => replacement);
    }
    throw new LexError(`unsupported modifier (${modifier}) in substitution`);
  }
}

/** A shell pattern (`*`, `?`, `\` escapes) as a regular expression, as BuildKit converts it. */
const patternRegex = (pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp => {
  let out = anchored ? "^" : "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? "";
    if (ch === "*") out += greedy ? ".*" : ".*?";
    else if (ch === "?") out += ".";
    else if (ch === "\\") {
      const nextCh = chars[i + 1];
      if (nextCh === "}" || nextCh === "/") continue;
      i++;
      if (nextCh !== "*" && nextCh !== "?" && nextCh !== "\\") throw new LexError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${nextCh ?? ""}'`);
      out += `\\${nextCh}`;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(out, global ? "gsu" : "su");
};

const trimPrefix = (pattern: string, value: string, greedy: boolean): string => {
  const match = patternRegex(pattern, greedy, true).exec(value);
  return match === null ? value : value.slice(match[0].length);
};

const reversePattern = (pattern: string): string => {
  const chars = [...pattern];
  const out: string[] = [];
  for (let i = 0; i < chars.length; ) {
    if (chars[i] === "\\" && i !== chars.length - 1) {
      out.unshift(chars[i + 1] ?? "");
      out.unshift("\\");
      i += 2;
    } else {
      out.unshift(chars[i] ?? "");
      i++;
    }
  }
  return out.join("");
};

const reverse = (text: string): string => [...text].reverse().join("");

const trimSuffix = (pattern: string, value: string, greedy: boolean): string => reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));

/**
 * The words of an instruction line as BuildKit's parser reads them (parseWords; its heredoc search, always with `\`):
 * quotes and escapes kept, `<< EOF` one word. [] when a quote is not closed.
 */
export const rawWords = (line: string, escape = "\\"): string[] => {
  try {
    return new Lexer(line, { processQuotes: true, rawQuotes: true, rawEscapes: true, escape }).run(EOF, true, true).words;
  } catch {
    return [];
  }
};

/** Words with quotes removed and escapes applied, no variables (a heredoc word's name). */
export const plainWords = (text: string, rawQuotes = false): string[] => new Lexer(text, { processQuotes: true, rawQuotes }).run(EOF, false).words;

/** A word with quotes removed and escapes applied, `$` left as written (a value as the Dockerfile writes it). */
export const unquote = (text: string, escape = "\\"): string => {
  try {
    return new Lexer(text, { processQuotes: true, escape }).run(EOF, false).text;
  } catch {
    return text;
  }
};

export interface ProcessedWord {
  readonly value: string;
  /** Variables read, in order, set or not. */
  readonly used: readonly string[];
  /** Variables read as `$NAME` / `${NAME}` that had no value (they expand to ""). */
  readonly unresolved: readonly string[];
}

/**
 * ProcessWordWithMatches: variables expanded, quotes processed (FROM, ARG and ENV values), unset variables expand to
 * "". Throws LexError on a bad `${…}`, as BuildKit fails the build.
 */
export const processWord = (text: string, env: Readonly<Record<string, string | undefined>>, escape = "\\"): ProcessedWord => {
  const lexer = new Lexer(text, { processQuotes: true, env, escape });
  const { text: value } = lexer.run(EOF, false);
  return { value, used: lexer.used, unresolved: lexer.unset };
};

/** processWord's value. */
export const expandWord = (text: string, env: Readonly<Record<string, string | undefined>>, escape = "\\"): string => processWord(text, env, escape).value;

/**
 * A heredoc's content expanded as BuildKit does for `COPY <<EOF` (SkipProcessQuotes, SkipUnsetEnv): `$NAME` and
 * `${…}` of the stage's ARG/ENV; quotes are plain characters; `\` escapes the next character (and is dropped); an
 * unset variable stays as written.
 */
export const expandHeredoc = (text: string, env: Readonly<Record<string, string>>): string => new Lexer(text, { processQuotes: false, skipUnset: true, env }).run(EOF, false).text;
