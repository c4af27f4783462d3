import { describe, expect, it } from "vitest";
import { parseDotenv } from "./dotenv.js";

const values = (text: string, lookup: Record<string, string> = {}): Record<string, string | undefined> =>
  Object.fromEntries(parseDotenv(text, { lookup: (k) => lookup[k] }).entries.map((e) => [e.key, e.value]));

describe("parseDotenv", () => {
  it("reads plain, exported, quoted and bare entries", () => {
    const text = [
      "# comment",
      "A=1",
      "export B=two words",
      "C='single $A \\n literal'",
      'D="double\\tescaped \\"q\\" $A"',
      "E=unquoted # inline comment",
      "F=no#comment",
      "BARE",
      "",
      "  G = spaced  ",
      "H=",
      "I: yaml style",
      "9LIVES=ok",
    ].join("\n");
    expect(values(text)).toEqual({
      A: "1",
      B: "two words",
      C: "single $A \\n literal",
      D: 'double\tescaped "q" 1',
      E: "unquoted",
      F: "no#comment",
      BARE: undefined,
      G: "spaced",
      H: "",
      I: "yaml style",
      "9LIVES": "ok",
    });
  });

  it("supports multi-line double-quoted values and keeps line numbers", () => {
    const r = parseDotenv('A="line1\nline2"\nB=x\n');
    expect(r.entries).toEqual([
      { key: "A", value: "line1\nline2", line: 1 },
      { key: "B", value: "x", line: 3 },
    ]);
  });

  it("interpolates from the lookup first, then earlier keys", () => {
    expect(values("A=file\nB=${A}-${C:-dflt}\nC=$A", { A: "shell" })).toEqual({ A: "file", B: "shell-dflt", C: "shell" });
    expect(values("A=file\nB=${A}")).toEqual({ A: "file", B: "file" });
  });

  it("escaped dollar stays literal in double quotes", () => {
    expect(values('A="\\$HOME"')).toEqual({ A: "$HOME" });
  });

  it("raw format takes the value literally", () => {
    const r = parseDotenv("A='quoted' $X # not a comment", { raw: true });
    expect(r.entries[0]?.value).toBe("'quoted' $X # not a comment");
  });

  it("reports problems with line and column", () => {
    expect(parseDotenv("OK=1\nBAD-KEY=2\nA B\nC=\"open\n").problems).toEqual([
      { line: 2, column: 4, message: 'unexpected character "-" in variable name "BAD-"' },
      { line: 3, column: 3, message: 'expected "=" after A' },
      { line: 4, column: 3, message: "unterminated double-quoted value for C" },
    ]);
  });

  it("handles CRLF", () => {
    expect(values("A=1\r\nB=2\r\n")).toEqual({ A: "1", B: "2" });
  });
});
