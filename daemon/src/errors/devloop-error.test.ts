import { describe, expect, it } from "vitest";
import { DevloopError } from "./devloop-error.js";
import { renderDiagnostic } from "./render.js";

class TestError extends DevloopError {
  override readonly name = "TestError";
  protected readonly defaultCode = "DL-TEST-001";
}

describe("DevloopError", () => {
  it("carries code, location, expected/got and hint, and serialises as a diagnostic without a stack", () => {
    const error = new TestError("invalid port mapping", {
      location: { file: "compose.yml", line: 14, column: 9, keyPath: "services.web.ports[1]" },
      expected: 'a port mapping like "8080:80"',
      got: '"80:80:tcp"',
      hint: 'the protocol goes after a slash: "80:80/tcp"',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("DL-TEST-001");
    expect(error.location?.keyPath).toBe("services.web.ports[1]");
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "TestError",
      code: "DL-TEST-001",
      severity: "error",
      file: "compose.yml",
      line: 14,
      column: 9,
      path: "services.web.ports[1]",
      message: "invalid port mapping",
      expected: 'a port mapping like "8080:80"',
      got: '"80:80:tcp"',
      hint: 'the protocol goes after a slash: "80:80/tcp"',
    });
    expect(JSON.stringify(error)).not.toContain("stack");
    expect(renderDiagnostic(error.toDiagnostic(), { color: false })).toBe(
      [
        "compose.yml:14:9: error DL-TEST-001 at services.web.ports[1]",
        "  invalid port mapping",
        '  expected a port mapping like "8080:80"; got "80:80:tcp"',
        '  hint: the protocol goes after a slash: "80:80/tcp"',
      ].join("\n"),
    );
  });

  it("without a place is a file-less diagnostic, and a code in the details overrides the class's", () => {
    const error = new TestError("boom", { code: "DL-TEST-002", cause: new Error("inner") });
    expect(error.toDiagnostic()).toEqual({ code: "DL-TEST-002", severity: "error", file: "", line: 0, column: 0, path: "", message: "boom" });
    expect(error.cause).toBeInstanceOf(Error);
  });
});
