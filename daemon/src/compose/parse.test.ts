import { describe, expect, it } from "vitest";
import { get, toPlain } from "./located.js";
import { parseComposeFile } from "./parse.js";

const parse = (text: string) => parseComposeFile({ text, file: "compose.yml", baseDir: "/p" });

describe("parseComposeFile", () => {
  it("keeps 1-based line and column for keys and values", () => {
    const { root } = parse("services:\n  web:\n    image: nginx\n");
    const web = get(get(root, "services"), "web");
    expect(get(web, "image")?.loc).toMatchObject({ file: "compose.yml", line: 3, column: 12, length: 5, baseDir: "/p" });
    expect(root?.entries.get("services")?.keyLoc).toMatchObject({ line: 1, column: 1 });
  });

  it("resolves anchors, aliases and merge keys (explicit keys win, earlier sources win)", () => {
    const { root, diagnostics } = parse(
      ["x-a: &a {image: a, restart: always}", "x-b: &b {image: b, user: bob}", "services:", "  web:", "    <<: [*a, *b]", "    restart: 'no'", "  api: *a"].join("\n"),
    );
    expect(diagnostics).toEqual([]);
    expect(toPlain(get(get(root, "services"), "web") as never)).toEqual({ restart: "no", image: "a", user: "bob" });
    expect(toPlain(get(get(root, "services"), "api") as never)).toEqual({ image: "a", restart: "always" });
  });

  it("reads !reset and !override tags", () => {
    const { root } = parse("services:\n  web:\n    ports: !reset []\n    command: !override [a]\n");
    const web = get(get(root, "services"), "web");
    expect(get(web, "ports")?.tag).toBe("reset");
    expect(get(web, "command")?.tag).toBe("override");
  });

  it("reports a duplicate key with its location and keeps going", () => {
    const { root, diagnostics } = parse("services:\n  web:\n    image: a\n    image: b\n");
    expect(diagnostics).toEqual([expect.objectContaining({ code: "DL-COMPOSE-002", line: 4, column: 5 })]);
    expect(root).toBeDefined();
  });

  it("reports YAML syntax errors", () => {
    const { root, diagnostics } = parse("services:\n  web:\n    image: [a\n");
    expect(root).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ code: "DL-COMPOSE-001", file: "compose.yml" });
    expect(diagnostics[0]?.line).toBeGreaterThan(0);
  });

  it("merges several documents in order, like override files", () => {
    const { root, diagnostics } = parse("services:\n  web: {image: a, ports: ['80:80']}\n---\nservices:\n  web: {image: b}\n---\n");
    expect(diagnostics).toEqual([]);
    expect(toPlain(root as never)).toEqual({ services: { web: { image: "b", ports: ["80:80"] } } });
  });

  it("rejects an empty file and a non-mapping", () => {
    expect(parse("").diagnostics[0]).toMatchObject({ code: "DL-COMPOSE-003", message: "the compose file is empty" });
    expect(parse("- a\n").diagnostics[0]).toMatchObject({ code: "DL-COMPOSE-003", got: "a list" });
  });

  it("stops an alias bomb", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 7; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`);
    const { root, diagnostics } = parseComposeFile({ text: lines.join("\n"), file: "compose.yml", baseDir: "/p", maxNodes: 10_000 });
    expect(root).toBeUndefined();
    expect(diagnostics[0]?.message).toContain("expands to more than");
  });

  it("rejects a merge key that points at a scalar", () => {
    expect(parse("x: &x 1\nservices:\n  web:\n    <<: *x\n").diagnostics[0]).toMatchObject({ code: "DL-COMPOSE-034" });
  });
});
