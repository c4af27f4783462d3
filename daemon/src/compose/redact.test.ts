import { describe, expect, it } from "vitest";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";
import { redactedMark as dashboardMark } from "../server/dashboard-redact.js";
import { redactDiagnostics, redactedMark, secretValues } from "./redact.js";
import type { LoadOptions, LoadResult } from "./types.js";

const password = "hunter2-Very-Secret";
const options = (environment: Record<string, string> = {}): LoadOptions => ({ files: [], profiles: [], envFiles: [], services: [], environment, cwd: "/p" });
const load = (files: Record<string, string>, environment: Record<string, string> = {}): LoadResult => loadProject(options(environment), createMemoryFileSystem(files));
const all = (r: LoadResult) => (r.ok ? r.warnings : r.diagnostics);
const text = (r: LoadResult): string => JSON.stringify(all(r));

describe("secret values never travel in diagnostics", () => {
  it("marks them as the dashboard marks secret lines", () => {
    expect(redactedMark).toBe(dashboardMark);
  });

  it.each([
    ["ports", 'services:\n  db:\n    image: postgres\n    ports: ["${DB_PASSWORD}"]\n'],
    ["mem_limit", "services:\n  db:\n    image: postgres\n    mem_limit: ${DB_PASSWORD}\n"],
    ["restart, inside a longer value", "services:\n  db:\n    image: postgres\n    restart: always-${DB_PASSWORD}\n"],
  ])("%s: from the shell and from .env", (_, compose) => {
    for (const r of [load({ "compose.yml": compose }, { DB_PASSWORD: password }), load({ "compose.yml": compose, ".env": `DB_PASSWORD=${password}\n` })]) {
      expect(r.ok).toBe(false);
      expect(all(r).length).toBeGreaterThan(0);
      expect(text(r)).not.toContain(password);
      expect(text(r)).not.toContain("hunter2");
      expect(text(r)).toContain(redactedMark);
      // A field that is the secret becomes the mark itself; inside a longer value, only the secret is replaced.
      expect(all(r).map((d) => d.got)).toContain(compose.includes("always-") ? `"always-${redactedMark}"` : redactedMark);
    }
  });

  it("hides the variable a secret: takes its value from, whatever its name", () => {
    const compose = 'services:\n  db:\n    image: postgres\n    ports: ["${PLAIN}"]\n    secrets: [pw]\nsecrets:\n  pw:\n    environment: PLAIN\n';
    const r = load({ "compose.yml": compose }, { PLAIN: "not-a-port-but-secret" });
    expect(text(r)).not.toContain("not-a-port-but-secret");
  });

  it("hides env_file entries whose name looks secret", () => {
    const values = secretValues({ services: { web: { environment: { API_TOKEN: "tok-123456", LEVEL: "debug" } } } });
    expect(values).toEqual(["tok-123456"]);
  });

  it("leaves other values, trivial secrets and short substrings alone", () => {
    const r = load({ "compose.yml": 'services:\n  db:\n    image: postgres\n    ports: ["${PORT}"]\n' }, { PORT: "abc", DB_PASSWORD: "true", API_KEY: "ab" });
    expect(all(r)[0]?.got).toBe('"abc"');
    const d = { code: "X", severity: "error" as const, file: "", line: 0, column: 0, path: "", message: "ab is in about", got: '"ab"' };
    expect(redactDiagnostics([d], ["ab"])).toEqual([{ ...d, got: redactedMark }]);
  });

  it("keeps valid loads' secrets usable and lists the variables the load referred to", () => {
    const r = load({ "compose.yml": "services:\n  db:\n    image: postgres:${TAG}\n    environment: [DB_PASSWORD, BARE]\n" }, { TAG: "16", DB_PASSWORD: password, BARE: "b", UNRELATED: "x", COMPOSE_PROFILES: "" });
    if (!r.ok) throw new Error("expected ok");
    expect(r.project.services["db"]?.environment["DB_PASSWORD"]).toBe(password);
    expect(r.variables).toEqual(["BARE", "COMPOSE_PROFILES", "DB_PASSWORD", "TAG"]);
    expect(r.secretValues).toEqual([password]);
  });
});
