/**
 * Stage 6: checks that need the whole project: unknown keys (against schema.ts), references between services,
 * volumes, networks, secrets and configs, depends_on cycles, services without image or build. Returns
 * diagnostics and never throws.
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import type { LMap, LNode } from "./located.js";
import { joinPath } from "./located.js";
import type { NormalizedModel } from "./normalize.js";
import { maxDependsOnChain } from "./nesting.js";
import { listNames, makeDiagnostic, nearest } from "./report.js";
import { NAMED_MAPPINGS, SCHEMA, SCHEMA_PREFIXES } from "./schema.js";

const childPattern = (pattern: string, key: string): string =>
  NAMED_MAPPINGS.has(pattern) ? `${pattern}.*` : pattern === "" ? key : `${pattern}.${key}`;

export const validateKeys = (root: LMap): Diagnostic[] => {
  const diagnostics: Diagnostic[] = [];
  // The same few patterns recur in every service: work each child pattern out once per key. The key path is only
  // needed for a diagnostic: keep the keys on a stack and join them then.
  const children = new Map<string, Map<string, string>>();
  const childOf = (pattern: string, key: string): string => {
    let byKey = children.get(pattern);
    if (byKey === undefined) children.set(pattern, (byKey = new Map<string, string>()));
    let child = byKey.get(key);
    if (child === undefined) byKey.set(key, (child = childPattern(pattern, key)));
    return child;
  };
  const keys: (string | number)[] = [];
  const pathNow = (): string => keys.reduce<string>((p, k) => joinPath(p, k), "");
  const walk = (node: LNode, pattern: string): void => {
    if (node.kind === "seq") {
      const itemPattern = `${pattern}[]`;
      if (!SCHEMA_PREFIXES.has(itemPattern)) return;
      for (let i = 0; i < node.items.length; i++) {
        keys.push(i);
        walk(node.items[i] as LNode, itemPattern);
        keys.pop();
      }
      return;
    }
    if (node.kind !== "map") return;
    const allowed = SCHEMA[pattern];
    for (const [key, e] of node.entries) {
      if (allowed && !allowed.has(key) && !key.startsWith("x-")) {
        const suggestion = nearest(key, allowed);
        const path = pathNow();
        const where = path === "" ? "at the top level" : `in ${path}`;
        diagnostics.push(
          makeDiagnostic("unknownKey", e.keyLoc, joinPath(path, key), `unknown key ${JSON.stringify(key)} ${where}`, {
            ...(allowed.size <= 12 ? { expected: `one of ${[...allowed].join(", ")}` } : {}),
            ...(suggestion ? { hint: `did you mean "${suggestion}"?` } : { hint: "custom keys must start with x-" }),
          }),
        );
        continue;
      }
      if (key.startsWith("x-")) continue;
      const child = childOf(pattern, key);
      if (SCHEMA_PREFIXES.has(child)) {
        keys.push(key);
        walk(e.value, child);
        keys.pop();
      }
    }
  };
  walk(root, "");
  const services = root.entries.get("services")?.value;
  for (const [name, e] of services?.kind === "map" ? services.entries : []) {
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
      diagnostics.push(
        makeDiagnostic("invalidServiceName", e.keyLoc, `services.${name}`, `invalid service name ${JSON.stringify(name)}`, {
          expected: "letters, digits, '.', '_' and '-' only",
          got: JSON.stringify(name),
        }),
      );
    }
  }
  return diagnostics;
};

const rangeOf = (node: LNode): LNode["loc"] => node.loc;

/** Semantic checks over the normalised model (enabled services only for depends_on). */
export const validateReferences = (
  model: NormalizedModel,
  enabled: ReadonlySet<string>,
  topLevelKeys: { readonly top: LMap },
  /** Services whose extends failed: their missing image is a consequence, not a new problem. */
  brokenExtends: ReadonlySet<string> = new Set(),
): Diagnostic[] => {
  const diagnostics: Diagnostic[] = [];
  const serviceNames = Object.keys(model.services);
  // The other services' names, without copying the list for each broken reference of a generated project with
  // thousands (nearest reads the first 1,000, the expected text the first 21 and the count).
  const othersText = (name: string): string => {
    const head: string[] = [];
    for (const s of serviceNames) if (s !== name && head.push(s) > 20) break;
    return listNames(head, 20, serviceNames.length - (model.services[name] === undefined ? 0 : 1));
  };
  for (const [name, refs] of model.refs) {
    const spec = model.services[name];
    if (!spec) continue;
    const p = `services.${name}`;
    // A misspelt image/build key is already reported as an unknown key with a suggestion.
    const misspelt = (): boolean => [...refs.node.entries.keys()].some((k) => k !== "image" && k !== "build" && nearest(k, ["image", "build"]) !== undefined);
    // A provider service has neither (compose-spec provider); translation warns that it is not run.
    if (spec.image === undefined && spec.build === undefined && spec.provider === undefined && !brokenExtends.has(name) && !misspelt()) {
      const keyLoc = topLevelKeys.top.entries.get("services")?.value;
      const at = keyLoc?.kind === "map" ? keyLoc.entries.get(name)?.keyLoc : undefined;
      diagnostics.push(makeDiagnostic("noImageOrBuild", at ?? refs.node.loc, p, `service ${JSON.stringify(name)} has neither an image nor a build section`, { expected: "image: <name> or build: <context>" }));
    }
    for (const [dep, node] of refs.dependsOn) {
      if (model.services[dep] !== undefined) continue;
      if (spec.dependsOn[dep]?.required === false) continue;
      const suggestion = nearest(dep, serviceNames, name);
      diagnostics.push(
        makeDiagnostic("undefinedService", rangeOf(node), `${p}.depends_on.${dep}`, `service ${JSON.stringify(name)} depends on undefined service ${JSON.stringify(dep)}`, {
          expected: `one of ${othersText(name) || "(no other services)"}`,
          ...(suggestion ? { hint: `did you mean "${suggestion}"?` } : {}),
        }),
      );
    }
    // network_mode / ipc: service:X make X a dependency, as in compose-go; X must exist.
    for (const [key, value] of [["network_mode", spec.networkMode], ["ipc", spec.ipc]] as const) {
      const target = value?.startsWith("service:") ? value.slice("service:".length) : undefined;
      if (target === undefined || model.services[target] !== undefined) continue;
      const node = refs.node.entries.get(key)?.value;
      const suggestion = nearest(target, serviceNames, name);
      diagnostics.push(
        makeDiagnostic("undefinedService", node ? rangeOf(node) : refs.node.loc, `${p}.${key}`, `service ${JSON.stringify(name)} uses ${key} of undefined service ${JSON.stringify(target)}`, {
          expected: `service:<one of ${othersText(name) || "(no other services)"}>`,
          ...(suggestion ? { hint: `did you mean "service:${suggestion}"?` } : {}),
        }),
      );
    }
    for (const v of refs.volumes) {
      if (model.volumes[v.name] !== undefined) continue;
      diagnostics.push(
        makeDiagnostic("undefinedVolume", v.node.loc, v.path, `service ${JSON.stringify(name)} mounts undefined volume ${JSON.stringify(v.name)}`, {
          hint: `declare it under the top-level volumes: key (volumes: {${v.name}: {}}), or write ./${v.name} for a bind mount`,
        }),
      );
    }
    for (const kind of ["secrets", "configs"] as const) {
      for (const r of refs[kind]) {
        if (model[kind][r.name] !== undefined) continue;
        diagnostics.push(makeDiagnostic("undefinedSecretOrConfig", r.node.loc, r.path, `service ${JSON.stringify(name)} uses undefined ${kind.slice(0, -1)} ${JSON.stringify(r.name)}`, { hint: `declare it under the top-level ${kind}: key` }));
      }
    }
    for (const n of refs.networks) {
      if (n.name === "default" || model.networks[n.name] !== undefined) continue;
      diagnostics.push(makeDiagnostic("undefinedNetwork", n.node.loc, n.path, `service ${JSON.stringify(name)} uses undefined network ${JSON.stringify(n.name)}`, { hint: "declare it under the top-level networks: key" }));
    }
  }
  // depends_on cycles among enabled services (each cycle reported once, at its first service's edge), and the
  // longest chain (translate's order and the engine's gating follow chains recursively). Depth-first without
  // recursion (a generated chain of 20,000 services must not overflow the stack), in the same order as before.
  const state = new Map<string, "visiting" | "done">();
  const depth = new Map<string, number>();
  const stack: string[] = [];
  let tooLong: Diagnostic | undefined;
  let cycles = false;
  const depsOf = (name: string): string[] => Object.keys(model.services[name]?.dependsOn ?? {}).filter((dep) => enabled.has(dep) && model.services[dep] !== undefined);
  for (const root of serviceNames) {
    if (!enabled.has(root) || state.has(root)) continue;
    const frames: { name: string; deps: string[]; next: number }[] = [{ name: root, deps: depsOf(root), next: 0 }];
    state.set(root, "visiting");
    stack.push(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { name: string; deps: string[]; next: number };
      const dep = frame.deps[frame.next++];
      if (dep === undefined) {
        frames.pop();
        stack.pop();
        state.set(frame.name, "done");
        let d = 1;
        for (const x of frame.deps) d = Math.max(d, (depth.get(x) ?? 0) + 1);
        depth.set(frame.name, d);
        if (d > maxDependsOnChain && tooLong === undefined) {
          const node = model.refs.get(frame.name)?.dependsOn.get(frame.deps[0] ?? "");
          tooLong = makeDiagnostic("inputLimit", node?.loc, `services.${frame.name}.depends_on`, `the depends_on chain from service ${JSON.stringify(frame.name)} is more than ${maxDependsOnChain} services long`, {
            expected: `depends_on chains of at most ${maxDependsOnChain} services`,
          });
        }
        continue;
      }
      const s = state.get(dep);
      if (s === "visiting") {
        cycles = true;
        const full = [...stack.slice(stack.indexOf(dep)), dep];
        const cycle = full.length <= 12 ? full : [...full.slice(0, 5), `… ${full.length - 10} more …`, ...full.slice(-5)];
        const node = model.refs.get(frame.name)?.dependsOn.get(dep);
        diagnostics.push(
          makeDiagnostic("dependencyCycle", node?.loc, `services.${frame.name}.depends_on.${dep}`, `depends_on forms a cycle: ${cycle.join(" → ")}`, {
            hint: "remove one of these dependencies",
          }),
        );
      } else if (s === undefined) {
        state.set(dep, "visiting");
        stack.push(dep);
        frames.push({ name: dep, deps: depsOf(dep), next: 0 });
      }
    }
  }
  if (tooLong !== undefined && !cycles) diagnostics.push(tooLong);
  return diagnostics;
};
