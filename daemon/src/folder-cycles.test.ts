/**
 * No folder of daemon/src imports, through any chain, a folder that imports it back: the layers of
 * docs/architecture.md stay a one-way stack. Read from the sources (every import, export-from and import() of a
 * relative path, type-only ones included); tests are left out, as a test may use ports/fakes or a real adapter.
 * There is no list of allowed exceptions: a cycle is fixed by moving the shared code down, not by listing it here.
 * The same holds file by file, over daemon/src and cli/src.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const srcRoot = import.meta.dirname;
const repoRoot = path.resolve(srcRoot, "../..");

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });

/** The top folder of daemon/src a file is in ("." for a file at the root, main.ts). */
const folderOf = (file: string): string => {
  const parts = path.relative(srcRoot, file).split(path.sep);
  return parts.length > 1 ? (parts[0] ?? ".") : ".";
};

/** node → node → the imports ("file → specifier") that make the edge; a node is a folder or a file. */
type FolderGraph = Map<string, Map<string, string[]>>;

/** The graph of the files' relative imports, each end folded to its node (undefined: not counted). */
const importGraph = (files: readonly string[], nodeOf: (file: string) => string | undefined): FolderGraph => {
  const graph: FolderGraph = new Map();
  for (const file of files) {
    const from = nodeOf(file);
    if (from === undefined) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
      if (!specifier.startsWith(".")) continue;
      const to = nodeOf(path.resolve(path.dirname(file), specifier));
      if (to === undefined || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${path.relative(repoRoot, file)} → ${specifier}`]);
    }
  }
  return graph;
};

const folderGraph = (files: readonly string[]): FolderGraph =>
  importGraph(files, (file) => (path.relative(srcRoot, file).startsWith("..") ? undefined : folderOf(file)));

/** Files by their path from the repository root, an import's ".js" read as the ".ts" it names. */
const fileGraph = (files: readonly string[]): FolderGraph =>
  importGraph(files, (file) => {
    const rel = path.relative(repoRoot, file).split(path.sep).join("/").replace(/\.js$/, ".ts");
    return rel.startsWith("daemon/src/") || rel.startsWith("cli/src/") ? rel : undefined;
  });

/** Strongly connected components with more than one node (Tarjan): each is a cycle. */
const folderCycles = (graph: FolderGraph): string[][] => {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
};

/** Each cycle with the imports inside it, so the failure says which lines to move. */
const describeCycle = (graph: FolderGraph, cycle: readonly string[]): string =>
  [
    `folders in a cycle: ${cycle.join(", ")}`,
    ...cycle.flatMap((from) =>
      [...(graph.get(from) ?? new Map<string, string[]>())].filter(([to]) => cycle.includes(to)).flatMap(([to, imports]) => [`  ${from} → ${to}:`, ...imports.map((i) => `    ${i}`)]),
    ),
  ].join("\n");

describe("folders of daemon/src", () => {
  const graph = folderGraph(sourceFiles(srcRoot));

  it("are read: the engine reaches the world through ports/, the adapters implement them", () => {
    expect(graph.get("engine")?.has("ports")).toBe(true);
    expect(graph.get("adapters")?.has("ports")).toBe(true);
    expect(graph.get(".")?.has("engine")).toBe(true);
  });

  it("keep the project use case and the engine apart: each reaches the other only through ports/", () => {
    expect(graph.get("project")?.has("engine")).toBe(false);
    expect(graph.get("engine")?.has("project")).toBe(false);
    expect(graph.get("project")?.has("policy")).toBe(true);
    expect(graph.get("engine")?.has("policy")).toBe(true);
  });

  it("import each other without a cycle", () => {
    expect(folderCycles(graph).map((cycle) => describeCycle(graph, cycle))).toEqual([]);
  });

  it("each stand on a rung of the ESLint layers, so a boundary holds every one", async () => {
    const config = (await import(path.join(srcRoot, "../../eslint.config.js"))) as { rungs: readonly (readonly string[])[] };
    const onRungs = new Set(config.rungs.flat());
    expect([...graph.keys()].filter((folder) => folder !== "." && !onRungs.has(folder))).toEqual([]);
  });

  it("hold files that import each other without a cycle, here and in cli/src", () => {
    const files = fileGraph([...sourceFiles(srcRoot), ...sourceFiles(path.join(repoRoot, "cli/src"))]);
    expect(files.get("cli/src/commands/up.ts")?.has("cli/src/commands/up-flags.ts")).toBe(true);
    expect(folderCycles(files).map((cycle) => describeCycle(files, cycle))).toEqual([]);
  });

  it("are held there by ESLint: no import of a folder on its own rung or above, no SDK outside adapters/", async () => {
    const { ESLint } = await import("eslint");
    const eslint = new ESLint({ cwd: repoRoot });
    const config = (await import(path.join(repoRoot, "eslint.config.js"))) as { rungs: readonly (readonly string[])[] };
    type Restricted = { rules: Record<string, [unknown, { patterns: { group: string[] }[] }] | undefined> };
    const restricted = async (file: string): Promise<string[]> =>
      ((await eslint.calculateConfigForFile(path.join(repoRoot, file))) as Restricted).rules["no-restricted-imports"]?.[1].patterns.flatMap((p) => p.group) ?? [];
    for (const [level, rung] of config.rungs.entries()) {
      for (const folder of rung) {
        const sample = sourceFiles(path.join(srcRoot, folder))[0];
        if (sample === undefined) continue;
        const group = await restricted(path.relative(repoRoot, sample));
        const notBelow = config.rungs.slice(level).flat().filter((f) => f !== folder);
        expect(group, folder).toEqual(expect.arrayContaining(notBelow.map((f) => `**/${f}/**`)));
        expect(group.filter((g) => config.rungs.slice(0, level).flat().some((f) => g === `**/${f}/**`)), folder).toEqual([]);
        expect(group.includes("dockerode"), folder).toBe(folder !== "adapters");
      }
    }
    expect(await restricted("cli/src/commands/doctor.ts")).toEqual(expect.arrayContaining(["**/adapters/**", "**/server/**", "dockerode", "@kubernetes/client-node"]));
    expect(await restricted("cli/src/local-adapters.ts")).toEqual([]);
    // One home for loading: the CLI, the server and the engine load a project through daemon/src/project/ only.
    for (const file of ["cli/src/commands/config.ts", "daemon/src/server/app.ts", "daemon/src/engine/engine.ts"]) expect(await restricted(file), file).toContain("**/compose/index.js");
  }, 60_000);

  it("a cycle through three folders is found, with the imports that make it", () => {
    const made: FolderGraph = new Map<string, Map<string, string[]>>([
      ["a", new Map([["b", ["a/x.ts → ../b/y.js"]]])],
      ["b", new Map([["c", ["b/y.ts → ../c/z.js"]]])],
      ["c", new Map([["a", ["c/z.ts → ../a/x.js"]], ["d", ["c/z.ts → ../d/w.js"]]])],
      ["d", new Map<string, string[]>()],
    ]);
    expect(folderCycles(made)).toEqual([["a", "b", "c"]]);
    expect(describeCycle(made, ["a", "b", "c"])).toContain("c → a:\n    c/z.ts → ../a/x.js");
  });
});
