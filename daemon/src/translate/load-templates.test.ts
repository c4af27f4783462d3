import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadTemplates } from "./load-templates.js";

const dirs: string[] = [];
const dirWith = (files: Record<string, string>): string => {
  const dir = mkdtempSync(path.join(tmpdir(), "devloop-templates-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("loadTemplates", () => {
  it("loads the built-in templates without problems", () => {
    const { templates, diagnostics } = loadTemplates();
    expect(diagnostics).toEqual([]);
    expect(Object.keys(templates).sort()).toEqual(["ConfigMap", "Deployment", "Job", "Namespace", "PersistentVolumeClaim", "Secret", "Service"]);
  });

  it("reports unknown kinds, generated fields and YAML errors with a location", () => {
    const dir = dirWith({
      "a.yaml": "kind: Pod\n",
      "b.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fixed\n",
      "c.yaml": "kind: [\n",
    });
    const { templates, diagnostics } = loadTemplates(dir);
    expect(templates).toEqual({});
    expect(diagnostics.map((d) => [path.basename(d.file), d.line, d.path])).toEqual([
      ["a.yaml", 1, "kind"],
      ["b.yaml", 4, "metadata.name"],
      ["c.yaml", expect.any(Number), ""],
    ]);
  });
});
