import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Request, Response } from "express";
import { afterAll, describe, expect, it } from "vitest";
import type { Engine } from "../../engine/engine.js";
import type { Diagnostic } from "../../errors/diagnostic.js";
import { redactedMark } from "../dashboard-redact.js";
import type { DiagnosticWithSource } from "./diagnostics.js";
import { diagnosticsRoute } from "./diagnostics.js";

const dir = mkdtempSync(join(tmpdir(), "devloop-diag-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (diagnostics: Diagnostic[]): DiagnosticWithSource[] => {
  const project = { name: "p", request: { options: { cwd: dir } }, diagnostics, loaded: undefined };
  const engine = { getState: () => ({ projects: { p: project } }) } as unknown as Engine;
  let body: unknown;
  const res = { json: (b: unknown) => (body = b), status: () => res } as unknown as Response;
  diagnosticsRoute(engine)({ params: { name: "p" } } as unknown as Request, res);
  return body as DiagnosticWithSource[];
};

describe("diagnostics route", () => {
  it("adds the source lines around each diagnostic, with secret values redacted", () => {
    writeFileSync(join(dir, "compose.yml"), ["services:", "  web:", "    environment:", "      API_TOKEN: hunter2hunter2", "      PORT: nope", ""].join("\n"));
    const [d] = run([{ code: "DL-X", severity: "error", file: "compose.yml", line: 5, column: 13, path: "services.web.environment.PORT", message: "m", got: '"nope"' }]);
    expect(d?.excerpt).toEqual({ firstLine: 3, lines: ["    environment:", `      API_TOKEN: ${redactedMark}`, "      PORT: nope", ""] });
    expect(d?.got).toBe('"nope"');
  });

  it("hides a value quoted under a secret-looking key", () => {
    const [d] = run([{ code: "DL-X", severity: "error", file: "compose.yml", line: 4, column: 18, path: "services.web.environment.API_TOKEN", message: "m", got: '"hunter2hunter2"' }]);
    expect(d?.got).toBe(redactedMark);
    expect(JSON.stringify(d)).not.toContain("hunter2");
  });

  it("sends control bytes and escape sequences from the file as visible text", () => {
    writeFileSync(join(dir, "esc.yml"), ["services:", '  web: {restart: "\u001b[2Jalways"}', ""].join("\n"));
    const [d] = run([{ code: "DL-X", severity: "error", file: "esc.yml", line: 2, column: 18, path: "services.web.restart", message: "bad \u009b2J", got: '"\u001b[2Jalways"' }]);
    // eslint-disable-next-line no-control-regex
    expect(JSON.stringify(d)).not.toMatch(/\\u001b|\\u009b|\u001b|\u009b/);
    expect(d?.excerpt?.lines[1]).toBe('  web: {restart: "\\x1b[2Jalways"}');
    expect(d?.message).toBe("bad \\x9b2J");
  });
});
