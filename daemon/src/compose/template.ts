/**
 * Compose variable substitution on one string (compose-go template semantics):
 * $$ → $; $VAR and ${VAR}; ${VAR:-d} ${VAR-d} ${VAR:?msg} ${VAR?msg} ${VAR:+alt} ${VAR+alt}; defaults may nest.
 * As in compose-go, a `$` not followed by `$`, a name or `{` is an invalid template (write `$$` for a literal `$`),
 * as is a malformed `${…}`. `lenient` keeps such a `$` literally instead (the .env parser's behaviour).
 */

export type Lookup = (name: string) => string | undefined;

export type TemplateProblem =
  | { readonly kind: "invalid"; readonly template: string; readonly reason: string }
  | { readonly kind: "required"; readonly name: string; readonly message: string }
  | { readonly kind: "unset"; readonly name: string };

export interface TemplateResult {
  readonly value: string;
  readonly problems: readonly TemplateProblem[];
  readonly used: readonly string[];
}

const NAME_START = /[_a-zA-Z]/;
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Index of the `}` closing the `${` that starts at `open` (nested ${…} counted), or -1. */
const findClose = (s: string, open: number): number => {
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
    if (ch === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
};

export const substitute = (input: string, lookup: Lookup, options: { readonly lenient?: boolean } = {}): TemplateResult => {
  const problems: TemplateProblem[] = [];
  const used: string[] = [];
  const run = (s: string): string => {
    if (!s.includes("$")) return s;
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
        out += v ?? "";
        i += 1 + name.length;
        continue;
      }
      if (next !== "{") {
        if (!options.lenient) problems.push({ kind: "invalid", template: s.slice(i, i + 2), reason: "a $ must be followed by a variable name or {…}; write $$ for a literal $" });
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
        out += v ?? "";
        continue;
      }
      const op = rest.startsWith(":") ? rest.slice(0, 2) : rest.slice(0, 1);
      const arg = rest.slice(op.length);
      const setNonEmpty = v !== undefined && v !== "";
      switch (op) {
        case ":-":
          out += setNonEmpty ? v : run(arg);
          break;
        case "-":
          out += v !== undefined ? v : run(arg);
          break;
        case ":+":
          out += setNonEmpty ? run(arg) : "";
          break;
        case "+":
          out += v !== undefined ? run(arg) : "";
          break;
        case ":?":
        case "?":
          if (op === ":?" ? setNonEmpty : v !== undefined) out += v ?? "";
          else problems.push({ kind: "required", name, message: run(arg) });
          break;
        default:
          problems.push({ kind: "invalid", template: "${" + inner + "}", reason: `unknown operator after ${name}` });
      }
    }
    return out;
  };
  const value = run(input);
  return { value, problems, used };
};
