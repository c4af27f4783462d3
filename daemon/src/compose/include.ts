/**
 * Stage 4b: top-level `include`. Each entry is loaded as its own small project (its own project directory,
 * which its relative paths resolve against, and its own .env below the including project's environment),
 * then its services, volumes, networks, secrets and configs are added; defining one twice (differently) is an error.
 */
import path from "node:path";
import type { Diagnostic } from "../errors/diagnostic.js";
import { readEnvFile } from "./environment.js";
import { displayPath } from "./discover.js";
import type { FileLoader } from "./file-loader.js";
import type { LEntry, LMap, LNode, Loc } from "./located.js";
import { describe, get, isMap, toPlain } from "./located.js";
import { mergeOverrides } from "./merge.js";
import { applyExtends } from "./extends.js";
import { makeDiagnostic } from "./report.js";

const RESOURCES = ["services", "volumes", "networks", "secrets", "configs"] as const;

interface IncludeEntry {
  readonly paths: readonly { value: string; loc: Loc }[];
  readonly projectDirectory?: { value: string; loc: Loc };
  readonly envFiles: readonly { value: string; loc: Loc }[];
}

const strings = (node: LNode | undefined, path: string, diagnostics: Diagnostic[]): { value: string; loc: Loc }[] => {
  if (node === undefined) return [];
  const items = node.kind === "seq" ? node.items : [node];
  const out: { value: string; loc: Loc }[] = [];
  for (const item of items) {
    if (item.kind === "scalar" && typeof item.value === "string") out.push({ value: item.value, loc: item.loc });
    else diagnostics.push(makeDiagnostic("invalidInclude", item.loc, path, "an include path must be a string", { expected: "a file path", got: describe(item) }));
  }
  return out;
};

const readEntry = (node: LNode, path: string, diagnostics: Diagnostic[]): IncludeEntry | undefined => {
  if (node.kind === "scalar") return { paths: strings(node, path, diagnostics), envFiles: [] };
  if (node.kind !== "map") {
    diagnostics.push(makeDiagnostic("invalidInclude", node.loc, path, "an include entry must be a path or a mapping", { expected: "a path or {path, project_directory, env_file}", got: describe(node) }));
    return undefined;
  }
  const paths = strings(get(node, "path"), `${path}.path`, diagnostics);
  if (paths.length === 0) {
    diagnostics.push(makeDiagnostic("invalidInclude", node.loc, path, "an include entry needs a path", { expected: "path: other/compose.yaml" }));
    return undefined;
  }
  const dir = strings(get(node, "project_directory"), `${path}.project_directory`, diagnostics)[0];
  return { paths, envFiles: strings(get(node, "env_file"), `${path}.env_file`, diagnostics), ...(dir ? { projectDirectory: dir } : {}) };
};

export const applyIncludes = (params: {
  readonly root: LMap;
  readonly loader: FileLoader;
  readonly env: Readonly<Record<string, string>>;
  /** Absolute path of the file `root` came from. */
  readonly file?: string;
  /** Absolute paths of the files that included this one, outermost first (for cycle detection). */
  readonly chain?: readonly string[];
}): LMap => {
  const { root, loader, env } = params;
  const includeNode = get(root, "include");
  if (includeNode === undefined) return root;
  const diagnostics = loader.diagnostics;
  const entries = new Map(root.entries);
  entries.delete("include");
  if (includeNode.kind !== "seq") {
    diagnostics.push(makeDiagnostic("invalidInclude", includeNode.loc, "include", "include must be a list", { expected: "a list of paths or mappings", got: describe(includeNode) }));
    return { ...root, entries };
  }
  const chain = params.chain ?? [];
  const owners = new Map<string, string>();
  includeNode.items.forEach((item, i) => {
    const itemPath = `include[${i}]`;
    const entry = readEntry(item, itemPath, diagnostics);
    const first = entry?.paths[0];
    if (!entry || !first) return;
    const abs = entry.paths.map((p) => path.resolve(p.loc.baseDir, p.value));
    const projectDir = entry.projectDirectory ? path.resolve(entry.projectDirectory.loc.baseDir, entry.projectDirectory.value) : path.dirname(abs[0] as string);
    // The included project's .env (or env_file) sits below the including project's environment.
    const own: Record<string, string> = {};
    const envFiles = entry.envFiles.length > 0 ? entry.envFiles.map((f) => ({ abs: path.resolve(f.loc.baseDir, f.value), loc: f.loc })) : [{ abs: path.join(projectDir, ".env"), loc: undefined }];
    for (const f of envFiles) {
      const ok = readEnvFile({ file: f.abs, display: displayPath(f.abs, loader.cwd), fs: loader.fs, lookup: (k) => env[k] ?? own[k], into: own, diagnostics, budget: loader.budget });
      if (!ok && f.loc) diagnostics.push(makeDiagnostic("envFileNotFound", f.loc, `${itemPath}.env_file`, `env file ${displayPath(f.abs, loader.cwd)} does not exist`));
    }
    const includedEnv = { ...own, ...env };
    const trees: LMap[] = [];
    abs.forEach((file, j) => {
      const ref = entry.paths[j] as { value: string; loc: Loc };
      if (chain.includes(file) || file === params.file) {
        const cycle = [...chain, params.file ?? "", file].filter((f) => f !== "").map((f) => displayPath(f, loader.cwd));
        diagnostics.push(makeDiagnostic("includeCycle", ref.loc, itemPath, `include forms a cycle: ${cycle.join(" → ")}`, { hint: "remove one of these includes" }));
        return;
      }
      const tree = loader.load({ abs: file, baseDir: projectDir, env: includedEnv, from: { loc: ref.loc, path: itemPath, what: "included" } });
      const nextChain = params.file === undefined ? chain : [...chain, params.file];
      if (tree) trees.push(applyIncludes({ root: applyExtends(tree, file, loader, includedEnv), loader, env: includedEnv, file, chain: nextChain }));
    });
    const included = mergeOverrides(trees);
    if (!included) return;
    for (const kind of RESOURCES) {
      const theirs = get(included, kind);
      if (!isMap(theirs)) continue;
      const mineEntry = entries.get(kind);
      const mine = mineEntry && isMap(mineEntry.value) ? mineEntry.value : undefined;
      const combined = new Map<string, LEntry>(mine?.entries ?? []);
      for (const [name, e] of theirs.entries) {
        const existing = combined.get(name);
        if (existing) {
          // compose-go accepts a resource defined identically on both sides.
          if (JSON.stringify(toPlain(existing.value)) === JSON.stringify(toPlain(e.value))) continue;
          const other = owners.get(`${kind}.${name}`);
          diagnostics.push(
            makeDiagnostic("includeConflict", e.keyLoc, `${kind}.${name}`, `${kind.replace(/s$/, "")} ${JSON.stringify(name)} is defined both by ${displayPath(abs[0] as string, loader.cwd)} and ${other ?? "the including file"}`, {
              hint: "rename one of them; an included file cannot redefine a resource",
            }),
          );
          continue;
        }
        owners.set(`${kind}.${name}`, displayPath(abs[0] as string, loader.cwd));
        combined.set(name, e);
      }
      const loc = mine?.loc ?? theirs.loc;
      entries.set(kind, { key: kind, keyLoc: mineEntry?.keyLoc ?? loc, value: { kind: "map", entries: combined, loc } });
    }
  });
  return { ...root, entries };
};
