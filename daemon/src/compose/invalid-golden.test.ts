/**
 * Golden cases for bad input: each fixtures/invalid/<case>/ holds compose.yml (+ .env, overrides, args.json with
 * LoadOptions overrides) and expected.diagnostics.txt, the rendered diagnostics without colour, paths relative to
 * the case directory. `vitest -u` rewrites them; with CI=true a missing or stale file fails. Also writes docs/errors.md.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IsolationCodes, isolationCodeDescriptions, isolationCollisions } from "../engine/isolation-check.js";
import { renderDiagnostic, renderDiagnostics } from "../errors/render.js";
import { allCodes } from "./codes.js";
import { generateErrorsDoc, type ErrorExample } from "./errors-doc.js";
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

  it("covers every diagnostic code, and docs/errors.md is current", async () => {
    const examples = new Map<string, ErrorExample>();
    for (const caseName of cases) {
      const { diagnostics, source, dir } = run(caseName);
      for (const d of diagnostics) {
        if (examples.has(d.code)) continue;
        const compose = readFileSync(path.join(dir, "compose.yml"), "utf8");
        const rendered = diagnostics.filter((x) => x.code === d.code).map((x) => renderDiagnostic(x, { color: false, source })).join("\n\n");
        examples.set(d.code, { caseName, compose, rendered });
      }
    }
    expect(allCodes.map((c) => c.code).filter((c) => !examples.has(c))).toEqual([]);
    // The isolation check's warnings (validate and up print them), with fixtures/isolation as their example.
    const isolationDir = path.resolve(root, "../isolation");
    const loaded = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: isolationDir }, nodeFileSystem);
    if (!loaded.ok) throw new Error("fixtures/isolation does not load");
    const collisions = isolationCollisions(loaded.project);
    const isolationSource = (file: string): string | undefined => nodeFileSystem.readFile(path.resolve(isolationDir, file));
    const more = Object.values(IsolationCodes).map((code) => ({ code, severity: "warning" as const, title: (isolationCodeDescriptions[code] ?? "").replace(/^warning: /, "").replace(/\.$/, "") }));
    for (const { code } of more) {
      const found = collisions.filter((d) => d.code === code);
      expect(found, code).not.toEqual([]);
      expect(found.every((d) => d.severity === "warning")).toBe(true);
      examples.set(code, { caseName: "fixtures/isolation", compose: readFileSync(path.join(isolationDir, "compose.yml"), "utf8"), rendered: found.map((d) => renderDiagnostic(d, { color: false, source: isolationSource })).join("\n\n") });
    }
    await expect(generateErrorsDoc(examples, more)).toMatchFileSnapshot(path.resolve(root, "../../docs/errors.md"));
  });
});
