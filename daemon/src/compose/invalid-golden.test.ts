/**
 * Golden cases for bad input: each fixtures/invalid/<case>/ holds compose.yml (+ .env, overrides, args.json with
 * LoadOptions overrides) and expected.diagnostics.txt, the rendered diagnostics without colour, paths relative to
 * the case directory. `vitest -u` rewrites them; with CI=true a missing or stale file fails. docs/errors.md takes its
 * examples from these cases (scripts/gen-errors-doc.ts).
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderDiagnostics } from "../errors/render.js";
import { allCodes } from "./codes.js";
import { loadProject } from "./index.js";
import { nodeFileSystem } from "./node-file-system.js";
import type { LoadOptions } from "./types.js";

const root = path.resolve(import.meta.dirname, "../../../fixtures/invalid");
const cases = readdirSync(root, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

const run = (caseName: string) => {
  const dir = path.join(root, caseName);
  const argsFile = path.join(dir, "args.json");
  const args = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, "utf8")) as Partial<LoadOptions>) : {};
  const options: LoadOptions = { files: [], profiles: [], envFiles: [], services: [], ...args, environment: args.environment ?? {}, cwd: dir };
  const result = loadProject(options, nodeFileSystem);
  const diagnostics = result.ok ? result.warnings : result.diagnostics;
  const source = (file: string): string | undefined => nodeFileSystem.readFile(path.resolve(dir, file));
  return { diagnostics, source, dir };
};

describe("fixtures/invalid", () => {
  it("has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)("%s", async (caseName) => {
    const { diagnostics, source, dir } = run(caseName);
    expect(diagnostics.length).toBeGreaterThan(0);
    await expect(renderDiagnostics(diagnostics, { color: false, source })).toMatchFileSnapshot(path.join(dir, "expected.diagnostics.txt"));
  });

  it("covers every diagnostic code", () => {
    const shown = new Set(cases.flatMap((caseName) => run(caseName).diagnostics.map((d) => d.code)));
    expect(allCodes.map((c) => c.code).filter((c) => !shown.has(c))).toEqual([]);
  });
});
