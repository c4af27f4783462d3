/**
 * .env / env_file syntax (compose-go dotenv): `KEY=value`, `export KEY=value`, `# comments`, inline ` #` comments
 * on unquoted values, 'single quotes' literal, "double quotes" with escapes, interpolation and multiple lines,
 * unquoted values interpolated, `KEY: value` (YAML style, as compose-go accepts), and bare `KEY` (value taken
 * from the lookup by the caller).
 */
import { createExpansionBudget, substitute, type ExpansionBudget, type ExpansionLimitKind, type Lookup } from "./template.js";

export interface DotenvEntry {
  readonly key: string;
  /** undefined for a bare key. */
  readonly value: string | undefined;
  readonly line: number;
}

export interface DotenvProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** "limit": an interpolation limit was hit (DL-COMPOSE-045), with the variable being defined; else a syntax error. */
  readonly kind?: "limit";
  readonly variable?: string;
  readonly limit?: ExpansionLimitKind;
  /** The variable whose expansion crossed the limit. */
  readonly expanding?: string;
}

export interface DotenvResult {
  readonly entries: readonly DotenvEntry[];
  readonly problems: readonly DotenvProblem[];
}

export interface DotenvOptions {
  /** Variables outside the file; consulted before the file's own earlier definitions (as compose-go does). */
  readonly lookup?: Lookup;
  /** format: raw — values taken literally, no quotes or interpolation processed. */
  readonly raw?: boolean;
  /** The load's interpolation budget (template.ts); default: the standard limits for this file alone. */
  readonly budget?: ExpansionBudget;
}

/** compose-go accepts letters, digits, "_" and "." in names (digits first too). */
const KEY = /^[A-Za-z0-9_.]+/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', $: "$$", "'": "'" };

export const parseDotenv = (text: string, options: DotenvOptions = {}): DotenvResult => {
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  const defined = new Map<string, string>();
  const lookup: Lookup = (name) => options.lookup?.(name) ?? defined.get(name);
  // Without the load's budget, this file gets the standard limits to itself (never one budget per value).
  const budget = options.budget ?? createExpansionBudget();
  // The entry being read, for a limit's location.
  let entryKey = "";
  let entryLine = 1;
  let entryColumn = 1;
  const expand = (value: string): string => {
    if (!value.includes("$")) return value;
    const result = substitute(value, lookup, { budget });
    for (const p of result.problems) {
      if (p.kind === "limit") problems.push({ line: entryLine, column: entryColumn, message: `${entryKey}: ${p.message}`, kind: "limit", variable: entryKey, limit: p.limit, ...(p.name === undefined ? {} : { expanding: p.name }) });
    }
    return result.value;
  };

  const src = text.replace(/\r\n?/g, "\n");
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const col = (): number => pos - lineStart + 1;
  const restOfLine = (): string => {
    const end = src.indexOf("\n", pos);
    return src.slice(pos, end < 0 ? src.length : end);
  };
  const skipToNextLine = (): void => {
    const end = src.indexOf("\n", pos);
    pos = end < 0 ? src.length : end;
  };

  while (pos < src.length) {
    const ch = src[pos] as string;
    if (ch === "\n") {
      pos++;
      line++;
      lineStart = pos;
      continue;
    }
    if (ch === " " || ch === "\t") {
      pos++;
      continue;
    }
    if (ch === "#") {
      skipToNextLine();
      continue;
    }
    const startLine = line;
    let rest = restOfLine();
    const exported = /^export[ \t]+/.exec(rest);
    if (exported) {
      pos += exported[0].length;
      rest = restOfLine();
    }
    const keyMatch = KEY.exec(rest);
    if (!keyMatch) {
      problems.push({ line, column: col(), message: `unexpected character ${JSON.stringify(rest[0] ?? "")} at the start of ${JSON.stringify(rest.trim())}` });
      skipToNextLine();
      continue;
    }
    const key = keyMatch[0];
    entryKey = key;
    entryLine = line;
    entryColumn = col();
    pos += key.length;
    const afterKey = src[pos];
    if (afterKey !== undefined && !" \t\n=:#".includes(afterKey)) {
      problems.push({ line, column: col(), message: `unexpected character ${JSON.stringify(afterKey)} in variable name ${JSON.stringify(key + afterKey)}`, });
      skipToNextLine();
      continue;
    }
    while (src[pos] === " " || src[pos] === "\t") pos++;
    const sep = src[pos];
    if (sep === undefined || sep === "\n" || sep === "#") {
      entries.push({ key, value: undefined, line: startLine });
      skipToNextLine();
      continue;
    }
    if (sep !== "=" && sep !== ":") {
      problems.push({ line, column: col(), message: `expected "=" after ${key}` });
      skipToNextLine();
      continue;
    }
    pos++;
    if (options.raw) {
      const value = restOfLine();
      pos += value.length;
      entries.push({ key, value, line: startLine });
      defined.set(key, value);
      continue;
    }
    while (src[pos] === " " || src[pos] === "\t") pos++;
    const quote = src[pos];
    let value: string;
    if (quote === "'" || quote === '"') {
      const openLine = line;
      const openCol = col();
      pos++;
      let buf = "";
      let closed = false;
      while (pos < src.length) {
        const c = src[pos] as string;
        if (c === "\\" && quote === '"') {
          const e = src[pos + 1] ?? "";
          buf += ESCAPES[e] ?? `\\${e}`;
          pos += 2;
          continue;
        }
        if (c === quote) {
          closed = true;
          pos++;
          break;
        }
        if (c === "\n") {
          line++;
          lineStart = pos + 1;
        }
        buf += c;
        pos++;
      }
      if (!closed) {
        problems.push({ line: openLine, column: openCol, message: `unterminated ${quote === '"' ? "double" : "single"}-quoted value for ${key}` });
        break;
      }
      value = quote === '"' ? expand(buf) : buf;
      const trailing = restOfLine().trim();
      if (trailing !== "" && !trailing.startsWith("#")) {
        problems.push({ line, column: col(), message: `unexpected characters after the quoted value of ${key}` });
      }
      skipToNextLine();
    } else {
      let raw = restOfLine();
      pos += raw.length;
      const comment = /[ \t]#/.exec(raw);
      if (comment) raw = raw.slice(0, comment.index);
      value = expand(raw.trim());
    }
    entries.push({ key, value, line: startLine });
    defined.set(key, value);
    // The load's total is spent (reported once): the rest of the file cannot be expanded.
    if (budget.exhausted) break;
  }
  return { entries, problems };
};
