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

/**
 * "a, b, c" — or the first `max` and how many more: a generated project's 20,000 names must not go in each message.
 * `total`: how many there are when `names` holds only the first ones (at least max + 1 of them, or all).
 */
export const listNames = (names: readonly string[], max = 20, total = names.length): string =>
  total <= max ? names.join(", ") : `${names.slice(0, max).join(", ")}, … (${total - max} more)`;

/** a and b differ by one edit at most: one character replaced, or one inserted or deleted. */
const withinOneEdit = (a: string, b: string): boolean => {
  if (a.length === b.length) {
    let differ = 0;
    for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i) && ++differ > 1) return false;
    return true;
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (long.length - short.length !== 1) return false;
  let skipped = false;
  for (let i = 0, j = 0; i < short.length; j++) {
    if (short.charCodeAt(i) === long.charCodeAt(j)) i++;
    else if (skipped) return false;
    else skipped = true;
  }
  return true;
};

/** Two rows of the distance table, reused from call to call (a suggestion search asks up to 1,000 times). */
let rows: [Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64)];

/**
 * The edit distance of a and b when it is at most `max`, else max + 1. Limits of 0 and 1 (words under six
 * characters) are a comparison; above, only the band |i - j| <= max of the table is filled, and it stops at a row
 * with no cell within max. Either way a candidate costs a few steps and no allocation, not a whole table.
 */
export const editDistanceWithin = (a: string, b: string, max: number): number => {
  const over = max + 1;
  if (a === b) return 0;
  if (max <= 0 || Math.abs(a.length - b.length) > max) return over;
  if (max === 1) return withinOneEdit(a, b) ? 1 : over;
  if (rows[0].length <= b.length) rows = [new Int32Array(b.length + 1), new Int32Array(b.length + 1)];
  let [prev, cur] = rows;
  for (let j = 0; j <= b.length; j++) prev[j] = Math.min(j, over);
  for (let i = 1; i <= a.length; i++) {
    cur.fill(over, 0, b.length + 1);
    cur[0] = Math.min(i, over);
    let rowMin = cur[0];
    const ai = a.charCodeAt(i - 1);
    for (let j = Math.max(1, i - max); j <= Math.min(b.length, i + max); j++) {
      const d = Math.min((prev[j] ?? over) + 1, (cur[j - 1] ?? over) + 1, (prev[j - 1] ?? over) + (ai === b.charCodeAt(j - 1) ? 0 : 1), over);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length] ?? over, over);
};

/** Suggestions are looked for among this many candidates at most (each is an edit distance: quadratic overall). */
const maxCandidates = 1000;

/** The closest candidate within a sensible distance (the first of the closest), or undefined; `except` is no candidate. */
export const nearest = (word: string, candidates: Iterable<string>, except?: string): string | undefined => {
  let best: string | undefined;
  const limit = Math.max(1, Math.floor(word.length / 3));
  // Only a candidate closer than the best so far, and within the limit, can change the answer.
  let bound = limit;
  const lower = word.toLowerCase();
  let seen = 0;
  for (const candidate of candidates) {
    if (candidate === except) continue;
    if (++seen > maxCandidates || bound < 0) break;
    // The distance is at least the difference in length.
    if (Math.abs(candidate.length - word.length) > bound) continue;
    const d = editDistanceWithin(lower, candidate.toLowerCase(), bound);
    if (d <= bound) {
      best = candidate;
      bound = d - 1;
    }
  }
  return best;
};
