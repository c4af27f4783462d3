/**
 * Stage 4a: `extends`. A service starts from the service it extends (same file, or another file whose relative
 * paths keep resolving against that file's directory), resolved recursively, and is then merged on top with
 * the override rules. Cycles and missing services are diagnostics.
 */
import path from "node:path";
import type { FileLoader } from "./file-loader.js";
import type { LEntry, LMap, LNode, Loc } from "./located.js";
import { describe, get, isMap, makeMap } from "./located.js";
import { mergeNode } from "./merge.js";
import { maxExtendsChain } from "./nesting.js";
import { listNames, makeDiagnostic } from "./report.js";

interface ExtendsRef {
  readonly service: string;
  readonly file?: { readonly value: string; readonly loc: Loc };
  readonly loc: Loc;
}

export const applyExtends = (
  root: LMap,
  rootFile: string,
  loader: FileLoader,
  env: Readonly<Record<string, string>>,
  /** Receives the names of services whose extends could not be resolved. */
  broken: Set<string> = new Set(),
): LMap => {
  const services = get(root, "services");
  if (!isMap(services)) return root;
  const resolved = new Map<string, LMap>();
  const brokenIds = new Set<string>();

  const readRef = (node: LNode, path: string): ExtendsRef | undefined => {
    if (node.kind === "scalar" && typeof node.value === "string") return { service: node.value, loc: node.loc };
    if (node.kind === "map") {
      const svc = get(node, "service");
      const file = get(node, "file");
      if (svc?.kind !== "scalar" || typeof svc.value !== "string") {
        loader.diagnostics.push(makeDiagnostic("invalidExtends", (svc ?? node).loc, `${path}.service`, "extends needs the name of the service to extend", { expected: "extends: {service: name, file: other.yml} or extends: name", got: svc ? describe(svc) : "nothing" }));
        return undefined;
      }
      if (file !== undefined && (file.kind !== "scalar" || typeof file.value !== "string")) {
        loader.diagnostics.push(makeDiagnostic("invalidExtends", file.loc, `${path}.file`, "extends.file must be a path", { expected: "a file path", got: describe(file) }));
        return undefined;
      }
      return file ? { service: svc.value, file: { value: file.value as string, loc: file.loc }, loc: svc.loc } : { service: svc.value, loc: svc.loc };
    }
    loader.diagnostics.push(makeDiagnostic("invalidExtends", node.loc, path, "extends must be a service name or a mapping", { expected: "extends: {service: name, file: other.yml} or extends: name", got: describe(node) }));
    return undefined;
  };

  let failed = false;
  const withoutExtends = (svc: LMap): LMap => {
    failed = true;
    return strip(svc);
  };
  const strip = (svc: LMap): LMap => makeMap([...svc.entries.values()].filter((e: LEntry) => e.key !== "extends"), svc.loc, svc.tag);

  const resolve = (file: string, all: LMap, name: string, stack: readonly string[]): LMap | undefined => {
    const id = `${file}#${name}`;
    const done = resolved.get(id);
    if (done) {
      if (brokenIds.has(id)) failed = true;
      return done;
    }
    const entry = all.entries.get(name);
    if (!entry || !isMap(entry.value)) return undefined;
    const svc = entry.value;
    const extNode = get(svc, "extends");
    if (extNode === undefined) {
      resolved.set(id, svc);
      return svc;
    }
    const svcPath = `services.${name}`;
    const ref = readRef(extNode, `${svcPath}.extends`);
    if (!ref) return withoutExtends(svc);
    let targetFile = file;
    let targetServices = all;
    if (ref.file) {
      targetFile = path.resolve(ref.file.loc.baseDir, ref.file.value);
      const tree = loader.load({ abs: targetFile, baseDir: path.dirname(targetFile), env, from: { loc: ref.file.loc, path: `${svcPath}.extends.file`, what: "extends" } });
      if (!tree) return withoutExtends(svc);
      const other = get(tree, "services");
      targetServices = isMap(other) ? other : makeMap([], tree.loc);
    }
    const targetId = `${targetFile}#${ref.service}`;
    if (stack.length >= maxExtendsChain) {
      loader.diagnostics.push(
        makeDiagnostic("inputLimit", ref.loc, `${svcPath}.extends`, `the extends chain through service ${JSON.stringify(name)} is more than ${maxExtendsChain} services long`, {
          expected: `extends chains of at most ${maxExtendsChain} services`,
        }),
      );
      return withoutExtends(svc);
    }
    const chain = [...stack, id];
    if (chain.includes(targetId)) {
      const cycle = [...chain.slice(chain.indexOf(targetId)), targetId].map((s) => s.slice(s.indexOf("#") + 1));
      loader.diagnostics.push(makeDiagnostic("extendsCycle", ref.loc, `${svcPath}.extends`, `extends forms a cycle: ${cycle.join(" → ")}`, { hint: "one of these services must stop extending the next" }));
      return withoutExtends(svc);
    }
    if (!targetServices.entries.has(ref.service)) {
      const where = ref.file ? ` in ${ref.file.value}` : "";
      loader.diagnostics.push(makeDiagnostic("extendsNotFound", ref.loc, `${svcPath}.extends.service`, `cannot extend service ${JSON.stringify(ref.service)}: no such service${where}`, { expected: `one of ${listNames([...targetServices.entries.keys()]) || "(no services)"}`, got: JSON.stringify(ref.service) }));
      return withoutExtends(svc);
    }
    const base = resolve(targetFile, targetServices, ref.service, chain);
    if (!base) return withoutExtends(svc);
    const merged = mergeNode(base, strip(svc), "services.*");
    const out = isMap(merged) ? merged : strip(svc);
    resolved.set(id, out);
    if (failed) brokenIds.add(id);
    return out;
  };

  let changed = false;
  const entries = new Map<string, LEntry>();
  for (const [name, e] of services.entries) {
    if (isMap(e.value) && e.value.entries.has("extends")) {
      failed = false;
      const out = resolve(rootFile, services, name, []);
      if (failed) broken.add(name);
      changed = true;
      entries.set(name, { ...e, value: out ?? e.value });
    } else entries.set(name, e);
  }
  if (!changed) return root;
  const rootEntries = new Map(root.entries);
  const servicesEntry = root.entries.get("services") as LEntry;
  rootEntries.set("services", { ...servicesEntry, value: { ...services, entries } });
  return { ...root, entries: rootEntries };
};
