import { describe, expect, it } from "vitest";
import { createContextDirFilter, selectContextEntries } from "./context-plan.js";
import type { ContextEntry } from "./context-plan.js";

const f = (path: string): ContextEntry => ({ path, kind: "file" });
const d = (path: string): ContextEntry => ({ path, kind: "dir" });
const paths = (entries: readonly ContextEntry[]): string[] => entries.map((e) => e.path);

describe("selectContextEntries (.dockerignore as Docker reads it)", () => {
  const all = [f("Dockerfile"), f(".dockerignore"), f("a.test.js"), d("src"), f("src/a.test.js"), f("src/main.js"), d("node_modules"), f("node_modules/x.js")];

  it("anchors patterns at the context root", () => {
    expect(paths(selectContextEntries(all, "*.test.js\nnode_modules\n", "Dockerfile"))).toEqual([".dockerignore", "Dockerfile", "src", "src/a.test.js", "src/main.js"]);
    expect(paths(selectContextEntries(all, "**/*.test.js", "Dockerfile"))).not.toContain("src/a.test.js");
  });

  it("keeps the Dockerfile in the plan even when ignored (BuildKit receives it apart), not .dockerignore", () => {
    expect(paths(selectContextEntries(all, "*\n", "Dockerfile"))).toEqual(["Dockerfile"]);
    expect(paths(selectContextEntries([...all, d("build"), f("build/Dockerfile.dev")], "*\n", "./build/Dockerfile.dev"))).toEqual(["build/Dockerfile.dev"]);
  });

  it("re-includes a file under an excluded directory whose path the ! pattern starts with (Docker, not gitignore)", () => {
    const tree = [d("assets"), f("assets/a.txt"), f("assets/keep.txt"), d("assets/sub"), f("assets/sub/s.txt"), f("Dockerfile")];
    expect(paths(selectContextEntries(tree, "assets\n!assets/keep.txt\n", "Dockerfile"))).toEqual(["Dockerfile", "assets", "assets/keep.txt"]);
    expect(paths(selectContextEntries(tree, "assets\n!**/keep.txt\n", "Dockerfile"))).toEqual(["Dockerfile"]);
  });

  it("re-includes with !, last match wins", () => {
    expect(paths(selectContextEntries(all, "*\n!src\n!src/*.js\nsrc/*.test.js\n", "Dockerfile"))).toEqual(["Dockerfile", "src", "src/main.js"]);
  });

  it("sends everything without a .dockerignore, sorted", () => {
    expect(paths(selectContextEntries([f("b"), f("a")], undefined, "Dockerfile"))).toEqual(["a", "b"]);
  });
});

describe("createContextDirFilter", () => {
  it("skips ignored directories unless a ! rule could bring something back", () => {
    expect(createContextDirFilter("node_modules\n")("node_modules")).toBe(false);
    expect(createContextDirFilter("node_modules\n")("src")).toBe(true);
    expect(createContextDirFilter("node_modules\n!node_modules/keep.js\n")("node_modules")).toBe(true);
    expect(createContextDirFilter("node_modules\n!src/keep.js\n")("node_modules")).toBe(false);
  });
});
