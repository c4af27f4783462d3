/**
 * Stage 2: substitute variables in every scalar value of a file's tree (never in keys).
 * Problems become located diagnostics; unset variables are warnings and become "".
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import type { LEntry, LNode } from "./located.js";
import { joinPath } from "./located.js";
import { makeDiagnostic } from "./report.js";
import { substitute } from "./template.js";

export interface InterpolateResult<T extends LNode> {
  readonly node: T;
  readonly diagnostics: readonly Diagnostic[];
  /** Variable names referenced anywhere in the tree. */
  readonly used: ReadonlySet<string>;
}

export const interpolate = <T extends LNode>(root: T, env: Readonly<Record<string, string | undefined>>): InterpolateResult<T> => {
  const diagnostics: Diagnostic[] = [];
  const used = new Set<string>();
  const warnedUnset = new Set<string>();
  const lookup = (name: string): string | undefined => (Object.hasOwn(env, name) ? env[name] : undefined);

  const walk = (node: LNode, path: string): LNode => {
    if (node.kind === "scalar") {
      if (typeof node.value !== "string" || !node.value.includes("$")) return node;
      const result = substitute(node.value, lookup);
      for (const name of result.used) used.add(name);
      for (const p of result.problems) {
        if (p.kind === "invalid") {
          diagnostics.push(
            makeDiagnostic("invalidTemplate", node.loc, path, `invalid interpolation template ${JSON.stringify(p.template)}: ${p.reason}`, {
              expected: "$VAR, ${VAR}, ${VAR:-default}, ${VAR:?message} or $$ for a literal $",
              got: JSON.stringify(node.value),
            }),
          );
        } else if (p.kind === "required") {
          diagnostics.push(
            makeDiagnostic("requiredVariable", node.loc, path, `required variable ${p.name} is missing a value${p.message ? `: ${p.message}` : ""}`, {
              hint: `set ${p.name} in the shell or in the project's .env file`,
            }),
          );
        } else if (!warnedUnset.has(p.name)) {
          warnedUnset.add(p.name);
          diagnostics.push(
            makeDiagnostic("unsetVariable", node.loc, path, `the ${p.name} variable is not set; defaulting to a blank string`, {
              hint: `set it in the shell or .env, or give a default: \${${p.name}:-value}`,
            }),
          );
        }
      }
      return { ...node, value: result.value };
    }
    if (node.kind === "seq") {
      let changed = false;
      const items = node.items.map((item, i) => {
        const out = walk(item, joinPath(path, i));
        if (out !== item) changed = true;
        return out;
      });
      return changed ? { ...node, items } : node;
    }
    let changed = false;
    const entries = new Map<string, LEntry>();
    for (const [k, e] of node.entries) {
      const value = walk(e.value, joinPath(path, k));
      if (value !== e.value) changed = true;
      entries.set(k, value === e.value ? e : { ...e, value });
    }
    return changed ? { ...node, entries } : node;
  };

  return { node: walk(root, "") as T, diagnostics, used };
};
