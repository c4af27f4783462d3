import { describe, expect, it } from "vitest";
import { createDockerIgnore } from "./docker-ignore.js";

describe("createDockerIgnore", () => {
  it("anchors patterns at the context root, as Docker does", () => {
    const ignore = createDockerIgnore("*.pem\n**/*.key\n/build\n./tmp/\n# comment\n");
    expect(ignore.ignores("cert.pem")).toBe(true);
    expect(ignore.ignores("sub/cert.pem")).toBe(false);
    expect(ignore.ignores("sub/deep/x.key")).toBe(true);
    expect(ignore.ignores("build/out.js")).toBe(true);
    expect(ignore.ignores("tmp/a")).toBe(true);
    expect(ignore.ignores("src/build/x")).toBe(false);
    expect(ignore.hasNegations).toBe(false);
  });

  it("re-includes with !, last match wins", () => {
    const ignore = createDockerIgnore("*\n!go.mod\n!*.go\n");
    expect(ignore.ignores("go.mod")).toBe(false);
    expect(ignore.ignores("main.go")).toBe(false);
    expect(ignore.ignores(".env")).toBe(true);
    expect(ignore.hasNegations).toBe(true);
  });

  it("excludes nothing without a file", () => {
    expect(createDockerIgnore(undefined).ignores("anything")).toBe(false);
  });
});
