/**
 * Stage 2: substitute variables in every scalar value of a file's tree (never in keys).
 * Problems become located diagnostics; unset variables are warnings and become "".
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import type { LEntry, LNode } from "./located.js";
import { joinPath } from "./located.js";
import { makeDiagnostic } from "./report.js";
import { createExpansionBudget, limitDetails, substitute, type ExpansionBudget } from "./template.js";

export interface InterpolateResult<T extends LNode> {
  readonly node: T;
  readonly diagnostics: readonly Diagnostic[];
  /** Variable names referenced anywhere in the tree. */
  readonly used: ReadonlySet<string>;
}

export const interpolate = <T extends LNode>(
  root: T,
  env: Readonly<Record<string, string | undefined>>,
  budget: ExpansionBudget = createExpansionBudget(),
): InterpolateResult<T> => {
  const diagnostics: Diagnostic[] = [];
  const used = new Set<string>();
  const warnedUnset = new Set<string>();
  const lookup = (name: string): string | undefined => (Object.hasOwn(env, name) ? env[name] : undefined);

  // The key path is only needed for a diagnostic: keep the keys on a stack and join them then.
  const keys: (string | number)[] = [];
  const walk = (node: LNode): LNode => {
    if (node.kind === "scalar") {
      if (typeof node.value !== "string" || !node.value.includes("$")) return node;
      const result = substitute(node.value, lookup, { budget });
      const path = result.problems.length > 0 ? keys.reduce<string>((p, k) => joinPath(p, k), "") : "";
      for (const name of result.used) used.add(name);
      for (const p of result.problems) {
        if (p.kind === "limit") {
          diagnostics.push(makeDiagnostic("expansionLimit", node.loc, path, p.message, limitDetails(p)));
        } else if (p.kind === "invalid") {
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
      let items: LNode[] | undefined;
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i] as LNode;
        keys.push(i);
        const out = walk(item);
        keys.pop();
        if (out !== item) (items ??= node.items.slice(0, i)).push(out);
        else items?.push(out);
      }
      return items ? { ...node, items } : node;
    }
    // A copy of the mapping only when something in it changed (most of a file has no "$").
    let entries: Map<string, LEntry> | undefined;
    let index = 0;
    for (const [k, e] of node.entries) {
      keys.push(k);
      const value = walk(e.value);
      keys.pop();
      if (value !== e.value && entries === undefined) {
        entries = new Map<string, LEntry>();
        let j = 0;
        for (const [k2, e2] of node.entries) {
          if (j++ >= index) break;
          entries.set(k2, e2);
        }
      }
      entries?.set(k, value === e.value ? e : { ...e, value });
      index++;
    }
    return entries ? { ...node, entries } : node;
  };

  return { node: walk(root) as T, diagnostics, used };
};
