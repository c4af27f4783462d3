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
