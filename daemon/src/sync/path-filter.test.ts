import { describe, expect, it } from "vitest";
import { createPathFilter, dockerignoreToGitignore } from "./path-filter.js";

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
    expect(dockerignoreToGitignore(["dist", "./tmp", "/abs", "!dist/keep.txt", "**/*.md", "# c", ""])).toEqual([
      "/dist", "/tmp", "/abs", "!/dist/keep.txt", "/**/*.md",
    ]);
    const f = createPathFilter({ dockerignore: ["dist", "**/*.md", "!README.md"] });
    expect(f("dist", true)).toBe(false);
    expect(f("src/dist", true)).toBe(true);
    expect(f("docs/a.md", false)).toBe(false);
    expect(f("README.md", false)).toBe(true);
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
