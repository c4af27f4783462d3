import { describe, expect, it } from "vitest";
import type { Diagnostic } from "./diagnostic.js";
import { renderDiagnostic, renderDiagnostics } from "./render.js";

const source = ["services:", "  web:", "    ports:", '      - "80:80:tcp"'].join("\n");
const d: Diagnostic = {
  code: "DL-COMPOSE-012",
  severity: "error",
  file: "compose.yml",
  line: 4,
  column: 9,
  length: 11,
  path: "services.web.ports[0]",
  message: "invalid port mapping",
  expected: 'a port mapping like "8080:80"',
  got: '"80:80:tcp"',
  hint: 'the protocol goes after a slash: "80:80/tcp"',
};

describe("renderDiagnostic", () => {
  it("renders location, path, expected/got, the source with a caret, and the hint", () => {
    expect(renderDiagnostic(d, { color: false, source: () => source })).toBe(
      [
        "compose.yml:4:9: error DL-COMPOSE-012 at services.web.ports[0]",
        "  invalid port mapping",
        '  expected a port mapping like "8080:80"; got "80:80:tcp"',
        "    3 |     ports:",
        '    4 |       - "80:80:tcp"',
        "      |         ^^^^^^^^^^^",
        '  hint: the protocol goes after a slash: "80:80/tcp"',
      ].join("\n"),
    );
  });

  it("clips the caret to the line and pads line numbers", () => {
    const lines = Array.from({ length: 12 }, (_, i) => `line${i + 1}`).join("\n");
    expect(renderDiagnostic({ ...d, line: 10, column: 3, length: 99, expected: undefined, got: undefined, hint: undefined }, { color: false, source: () => lines }).split("\n").slice(2)).toEqual([
      "     9 | line9",
      "    10 | line10",
      "       |   ^^^^",
    ]);
  });

  it("works without a source, a location or a path", () => {
    expect(renderDiagnostic({ code: "DL-COMPOSE-005", severity: "error", file: "", line: 0, column: 0, path: "", message: "no compose file found" }, { color: false })).toBe(
      "error DL-COMPOSE-005\n  no compose file found",
    );
    expect(renderDiagnostic({ ...d, expected: undefined, hint: undefined }, { color: false }).split("\n")).toEqual([
      "compose.yml:4:9: error DL-COMPOSE-012 at services.web.ports[0]",
      "  invalid port mapping",
      '  got "80:80:tcp"',
    ]);
  });

  it("colours only when asked", () => {
    expect(renderDiagnostic(d, { color: true, source: () => source })).toContain("\u001b[1;31merror\u001b[0m");
    expect(renderDiagnostic(d, { color: false, source: () => source })).not.toContain("\u001b");
  });
});

describe("renderDiagnostics", () => {
  it("separates diagnostics and ends with a count", () => {
    const text = renderDiagnostics([d, { ...d, severity: "warning", code: "DL-COMPOSE-008" }], { color: false });
    expect(text.split("\n\n")).toHaveLength(3);
    expect(text.endsWith("1 error, 1 warning\n")).toBe(true);
    expect(renderDiagnostics([], { color: false })).toBe("");
  });
});

describe("escaping what came from the input", () => {
  it("writes control bytes, escape sequences and bidi overrides out, and keeps the caret under the value", () => {
    const line = '    restart: "\u001b[31malways\u0007"';
    const text = renderDiagnostic(
      { ...d, line: 1, column: 14, length: 17, path: "services.\u001b[2Jweb", message: "bad \u009b2J value \u202egnp.exe", got: '"\u001b[31malways"', expected: undefined, hint: undefined },
      { color: false, source: () => line },
    );
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text.split("\n")).toEqual([
      "compose.yml:1:14: error DL-COMPOSE-012 at services.\\x1b[2Jweb",
      "  bad \\x9b2J value \\u202egnp.exe",
      '  got "\\x1b[31malways"',
      '    1 |     restart: "\\x1b[31malways\\x07"',
      "      |              ^^^^^^^^^^^^^^^^^^^^",
    ]);
  });
});

describe("long source lines", () => {
  it("are shown as a window around the column, with the caret still under the value", () => {
    const line = `${"a".repeat(1000)}TARGET${"b".repeat(1000)}`;
    const text = renderDiagnostic({ ...d, line: 2, column: 1001, length: 6, expected: undefined, got: undefined, hint: undefined }, { color: false, source: () => `short\n${line}` });
    const [, , before, shown, caret] = text.split("\n");
    expect(before).toBe("    1 | short");
    expect(shown?.length).toBeLessThan(200);
    expect(shown?.startsWith("    2 | …")).toBe(true);
    expect(shown?.endsWith("…")).toBe(true);
    const at = caret?.indexOf("^") ?? -1;
    expect(shown?.slice(at, at + 6)).toBe("TARGET");
    expect(caret?.match(/\^+/)?.[0]).toBe("^^^^^^");
  });
});

