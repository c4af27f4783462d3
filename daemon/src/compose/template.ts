/**
 * Compose variable substitution on one string (compose-go template semantics):
 * $$ → $; $VAR and ${VAR}; ${VAR:-d} ${VAR-d} ${VAR:?msg} ${VAR?msg} ${VAR:+alt} ${VAR+alt}; defaults may nest.
 * As in compose-go (template_test.go TestUnescaped / TestInvalid), a `$` not followed by `$`, a name or `{` is
 * literal (`a $ b`, `^[a-z]+$`, `$}`, `$(cmd)`); a malformed `${…}` is an invalid template. Braces inside a
 * `${…}` nest (`${JSON:-{"a":1}}` ends at the last `}`, compose-go PR 581).
 */

export type Lookup = (name: string) => string | undefined;

export type TemplateProblem =
  | { readonly kind: "invalid"; readonly template: string; readonly reason: string }
  | { readonly kind: "required"; readonly name: string; readonly message: string }
  | { readonly kind: "unset"; readonly name: string }
  | { readonly kind: "limit"; readonly limit: ExpansionLimitKind; readonly name: string | undefined; readonly message: string };

export type ExpansionLimitKind = "value" | "total" | "nesting";

/**
 * Hard limits on interpolation, so a crafted .env (each line doubling the one before, or 100,000 lines each
 * referring to the previous one) ends in a located error instead of an out-of-memory daemon:
 * - one expanded value is at most 1 MiB (characters);
 * - all expansions of one load together produce at most 16 MiB;
 * - `${A:-${B:-…}}` nests at most 32 deep.
 * Documented in docs/errors.md (DL-COMPOSE-045).
 */
export const expansionLimits = { maxValueLength: 1024 * 1024, maxTotalLength: 16 * 1024 * 1024, maxNesting: 32 } as const;

/** What the expansions of one load have used so far; share one across the .env files and compose files of a load. */
export interface ExpansionBudget {
  readonly maxValueLength: number;
  readonly maxTotalLength: number;
  readonly maxNesting: number;
  used: number;
  /** The total was exceeded (reported once): later expansions give "" without a problem. */
  exhausted: boolean;
  /** Any limit was hit in this load. */
  tripped: boolean;
}

export const createExpansionBudget = (limits: Partial<Pick<ExpansionBudget, "maxValueLength" | "maxTotalLength" | "maxNesting">> = {}): ExpansionBudget => ({
  ...expansionLimits,
  ...limits,
  used: 0,
  exhausted: false,
  tripped: false,
});

/** What a limit diagnostic says was expected and found. */
export const limitDetails = (p: { readonly limit: ExpansionLimitKind; readonly name: string | undefined }): { expected: string; got: string } => {
  const after = p.name === undefined ? "" : ` once \${${p.name}} is expanded`;
  switch (p.limit) {
    case "value":
      return { expected: `a value of at most ${formatLength(expansionLimits.maxValueLength)} after interpolation`, got: `more than ${formatLength(expansionLimits.maxValueLength)}${after}` };
    case "total":
      return { expected: `at most ${formatLength(expansionLimits.maxTotalLength)} of interpolated values in one project`, got: `more than ${formatLength(expansionLimits.maxTotalLength)}${after}` };
    case "nesting":
      return { expected: `templates nested at most ${expansionLimits.maxNesting} deep`, got: `more than ${expansionLimits.maxNesting} nested \${…:-…} templates` };
  }
};

/** 1 MiB, 16 MiB, 1.5 KiB: for limit messages. */
export const formatLength = (n: number): string => {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
};

export interface TemplateResult {
  readonly value: string;
  readonly problems: readonly TemplateProblem[];
  readonly used: readonly string[];
}

const NAME_START = /[_a-zA-Z]/;
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/**
 * Index of the `}` closing the `${` that starts at `open`, or -1. Nested `${…}` are counted, and with `braces` a
 * plain `{…}` too (a JSON default: `${J:-{"a":1}}`); `findClose` falls back to `${…}` only when the braces do not
 * balance (`${A:-{}`), as before.
 */
const findCloseCounting = (s: string, open: number, braces: boolean): number => {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "$" && s[i + 1] === "$") {
      i++;
      continue;
    }
    if (ch === "$" && s[i + 1] === "{") {
      depth++;
      i++;
      continue;
    }
    if (ch === "{" && braces) depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
};

const findClose = (s: string, open: number): number => {
  const balanced = findCloseCounting(s, open, true);
  return balanced >= 0 ? balanced : findCloseCounting(s, open, false);
};

class LimitReached extends Error {
  constructor(readonly problem: TemplateProblem) {
    super("interpolation limit");
  }
}

const reach = (budget: ExpansionBudget, limit: ExpansionLimitKind, name: string | undefined, message: string): never => {
  budget.tripped = true;
  throw new LimitReached({ kind: "limit", limit, name, message });
};

/** `out + add`, within the per-value limit (module-level: substitute runs for every value with a `$`). */
const appendWithin = (budget: ExpansionBudget, out: string, add: string, name: string): string =>
  out.length + add.length > budget.maxValueLength
    ? reach(budget, "value", name, `expanding ${name} makes the value longer than ${formatLength(budget.maxValueLength)}, the limit for one interpolated value`)
    : out + add;

export interface SubstituteOptions {
  /** The load's shared budget; without one, each call gets the default limits to itself. */
  readonly budget?: ExpansionBudget;
}

export const substitute = (input: string, lookup: Lookup, options: SubstituteOptions = {}): TemplateResult => {
  const problems: TemplateProblem[] = [];
  const used: string[] = [];
  const budget = options.budget ?? createExpansionBudget();
  if (budget.exhausted) return { value: "", problems, used };
  const run = (s: string, depth: number): string => {
    if (!s.includes("$")) return s;
    if (depth >= budget.maxNesting) reach(budget, "nesting", undefined, `interpolation templates nest more than ${budget.maxNesting} deep`);
    let out = "";
    let i = 0;
    while (i < s.length) {
      const ch = s[i] as string;
      if (ch !== "$") {
        out += ch;
        i++;
        continue;
      }
      const next = s[i + 1];
      if (next === "$") {
        out += "$";
        i += 2;
        continue;
      }
      if (next !== undefined && NAME_START.test(next)) {
        const name = (NAME.exec(s.slice(i + 1)) as RegExpExecArray)[0];
        used.push(name);
        const v = lookup(name);
        if (v === undefined) problems.push({ kind: "unset", name });
        out = appendWithin(budget, out, v ?? "", name);
        i += 1 + name.length;
        continue;
      }
      if (next !== "{") {
        out += "$";
        i++;
        continue;
      }
      const close = findClose(s, i);
      if (close < 0) {
        problems.push({ kind: "invalid", template: s.slice(i), reason: "missing closing brace" });
        return out + s.slice(i);
      }
      const inner = s.slice(i + 2, close);
      i = close + 1;
      const nameMatch = NAME.exec(inner);
      if (!nameMatch) {
        problems.push({ kind: "invalid", template: s.slice(i - inner.length - 3, i), reason: inner === "" ? "empty variable name" : "a variable name must start with a letter or _" });
        continue;
      }
      const name = nameMatch[0];
      used.push(name);
      const rest = inner.slice(name.length);
      const v = lookup(name);
      if (rest === "") {
        if (v === undefined) problems.push({ kind: "unset", name });
        out = appendWithin(budget, out, v ?? "", name);
        continue;
      }
      const op = rest.startsWith(":") ? rest.slice(0, 2) : rest.slice(0, 1);
      const arg = rest.slice(op.length);
      const setNonEmpty = v !== undefined && v !== "";
      switch (op) {
        case ":-":
          out = appendWithin(budget, out, setNonEmpty ? v : run(arg, depth + 1), name);
          break;
        case "-":
          out = appendWithin(budget, out, v !== undefined ? v : run(arg, depth + 1), name);
          break;
        case ":+":
          out = appendWithin(budget, out, setNonEmpty ? run(arg, depth + 1) : "", name);
          break;
        case "+":
          out = appendWithin(budget, out, v !== undefined ? run(arg, depth + 1) : "", name);
          break;
        case ":?":
        case "?":
          if (op === ":?" ? setNonEmpty : v !== undefined) out = appendWithin(budget, out, v ?? "", name);
          else problems.push({ kind: "required", name, message: run(arg, depth + 1) });
          break;
        default:
          problems.push({ kind: "invalid", template: "${" + inner + "}", reason: `unknown operator after ${name}` });
      }
    }
    return out;
  };
  let value: string;
  try {
    value = run(input, 0);
  } catch (error) {
    if (!(error instanceof LimitReached)) throw error;
    problems.push(error.problem);
    return { value: "", problems, used };
  }
  budget.used += value.length;
  if (budget.used > budget.maxTotalLength) {
    budget.exhausted = true;
    budget.tripped = true;
    problems.push({
      kind: "limit",
      limit: "total",
      name: used[used.length - 1],
      message: `interpolation has produced more than ${formatLength(budget.maxTotalLength)} in total, the limit for one project`,
    });
    return { value: "", problems, used };
  }
  return { value, problems, used };
};
