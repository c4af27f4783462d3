import { describe, expect, it } from "vitest";
import { createPathFilter } from "./path-filter.js";

describe("createPathFilter", () => {
  it("ignores .git and editor droppings by default", () => {
    const f = createPathFilter();
    expect(f(".git", true)).toBe(false);
    expect(f("src/.a.js.swp", false)).toBe(false);
    expect(f("src/a.js~", false)).toBe(false);
    expect(f("src/a.js", false)).toBe(true);
  });
  it("honours .gitignore rules at any depth, with exceptions", () => {
    const f = createPathFilter({ gitignore: ["# comment", "node_modules/", "*.log", "!keep.log", ""] });
    expect(f("node_modules", true)).toBe(false);
    expect(f("pkg/node_modules", true)).toBe(false);
    expect(f("node_modules", false)).toBe(true); // a file named node_modules is not a directory
    expect(f("a/b/debug.log", false)).toBe(false);
    expect(f("keep.log", false)).toBe(true);
  });
  it("anchors .dockerignore patterns at the context root, as Docker does", () => {
    const f = createPathFilter({ dockerignore: ["dist", "**/*.md", "!README.md"] });
    expect(f("dist", true)).toBe(false);
    expect(f("src/dist", true)).toBe(true);
    expect(f("docs/a.md", false)).toBe(false);
    expect(f("README.md", false)).toBe(true);
  });
  it("re-includes a file under an excluded directory, as Docker does (watch ignore too)", () => {
    const f = createPathFilter({ dockerignore: ["assets", "!assets/keep.txt"] });
    expect(f("assets", true)).toBe(true);
    expect(f("assets/keep.txt", false)).toBe(true);
    expect(f("assets/a.txt", false)).toBe(false);
    expect(f("assets/sub", true)).toBe(false);
    const w = createPathFilter({ ignore: ["./tmp", "/build", "**/*.bak", "node_modules", "!node_modules/local"] });
    expect(f("x", false)).toBe(true);
    expect(w("tmp", true)).toBe(false);
    expect(w("src/tmp", true)).toBe(true);
    expect(w("build/out.js", false)).toBe(false);
    expect(w("a/b/c.bak", false)).toBe(false);
    expect(w("node_modules", true)).toBe(true);
    expect(w("node_modules/local", true)).toBe(true);
    expect(w("node_modules/lodash", true)).toBe(false);
  });
  it("applies the rule's ignore and include (include keeps directories walkable)", () => {
    const f = createPathFilter({ ignore: ["tmp/"], include: ["*.js", "package.json"] });
    expect(f("src", true)).toBe(true);
    expect(f("src/a.js", false)).toBe(true);
    expect(f("package.json", false)).toBe(true);
    expect(f("README.md", false)).toBe(false);
    expect(f("tmp", true)).toBe(false);
  });
});
