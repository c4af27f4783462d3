/** Builds loader diagnostics from a code name, a location and the facts; the one place severity is decided. */
import type { Diagnostic } from "../errors/diagnostic.js";
import { escapeControl } from "../errors/escape.js";
import { Codes, type CodeName } from "./codes.js";
import type { Loc } from "./located.js";

export interface DiagnosticDetails {
  readonly expected?: string;
  readonly got?: string;
  readonly hint?: string;
}

export type Diagnostics = Diagnostic[];

export const makeDiagnostic = (
  name: CodeName,
  at: Loc | { readonly file: string; readonly line?: number; readonly column?: number; readonly length?: number } | undefined,
  path: string,
  message: string,
  details: DiagnosticDetails = {},
): Diagnostic => {
  const info = Codes[name];
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    code: info.code,
    severity: info.severity,
    file: at?.file ?? "",
    line: at?.line ?? 0,
    column: at?.column ?? 0,
    // Keys and values from the file are quoted here: their control bytes arrive escaped (errors/escape.ts).
    path: escapeControl(path),
    message: escapeControl(message),
  };
  if (at?.length !== undefined) d.length = at.length;
  if (details.expected !== undefined) d.expected = escapeControl(details.expected);
  if (details.got !== undefined) d.got = escapeControl(details.got);
  if (details.hint !== undefined) d.hint = escapeControl(details.hint);
  return d;
};

/** Levenshtein distance, for "did you mean". */
export const editDistance = (a: string, b: string): number => {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
};

/** "a, b, c" — or the first `max` and how many more: a generated project's 20,000 names must not go in each message. */
export const listNames = (names: readonly string[], max = 20): string =>
  names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")}, … (${names.length - max} more)`;

/** Suggestions are looked for among this many candidates at most (each is an edit distance: quadratic overall). */
const maxCandidates = 1000;

/** The closest candidate within a sensible distance, or undefined. */
export const nearest = (word: string, candidates: Iterable<string>): string | undefined => {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(word.length / 3));
  let seen = 0;
  for (const candidate of candidates) {
    if (++seen > maxCandidates) break;
    // The distance is at least the difference in length.
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
};
