import { describe, expect, it } from "vitest";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";
import type { LoadResult } from "./types.js";

const load = (top: string, override?: string): LoadResult =>
  loadProject(
    { files: override === undefined ? [] : ["compose.yml", "override.yml"], profiles: [], envFiles: [], services: [], environment: { REG: "env.example:5000" }, cwd: "/p" },
    createMemoryFileSystem({ "compose.yml": `${top}services:\n  web:\n    image: web:1\n`, ...(override === undefined ? {} : { "override.yml": override }) }),
  );

const errors = (top: string) => {
  const r = load(top);
  return r.ok ? [] : r.diagnostics.map(({ code, path, line, column, message, expected, got }) => ({ code, path, line, column, message, expected, got }));
};

describe("top-level x-devloop.image_delivery / registry", () => {
  it("reads both, interpolated, without trailing slashes; absent when neither is set", () => {
    const r = load("x-devloop:\n  image_delivery: registry\n  registry: ${REG}/team/\n");
    expect(r.ok && r.project.delivery).toEqual({ imageDelivery: "registry", registry: "env.example:5000/team" });
    const none = load("x-devloop:\n  allowed_contexts: [team]\n");
    expect(none.ok && none.project.delivery).toBeUndefined();
    const engine = load("x-devloop: { image_delivery: engine }\n");
    expect(engine.ok && engine.project.delivery).toEqual({ imageDelivery: "engine" });
  });

  it("a bad value is a located error naming the key, what it takes and what it got", () => {
    expect(errors("x-devloop:\n  image_delivery: ftp\n")).toEqual([
      { code: "DL-COMPOSE-011", path: "x-devloop.image_delivery", line: 2, column: 19, message: "x-devloop.image_delivery has an unsupported value", expected: 'one of "auto", "registry", "engine", "kind"', got: '"ftp"' },
    ]);
    const bad = errors("x-devloop:\n  registry: https://registry.example.com\n");
    expect(bad).toMatchObject([{ code: "DL-COMPOSE-011", path: "x-devloop.registry", line: 2, column: 13, got: '"https://registry.example.com"' }]);
    expect(bad[0]?.expected).toContain("host[:port][/path]");
    expect(errors("x-devloop:\n  registry: [a]\n")).toMatchObject([{ code: "DL-COMPOSE-010", path: "x-devloop.registry", line: 2 }]);
  });

  it("an override file's value replaces the base file's", () => {
    const r = load("x-devloop:\n  image_delivery: engine\n  registry: a.example\n", "x-devloop:\n  registry: b.example:5000\n");
    expect(r.ok && r.project.delivery).toEqual({ imageDelivery: "engine", registry: "b.example:5000" });
  });
});
