import { describe, expect, it } from "vitest";
import type { PublicProject, PublicService } from "../../daemon/src/api/types.js";
import { changesTable, findingsSummary, projectTable } from "./output.js";

const finding = (severity: "error" | "warning") => ({ code: "DL-DOCTOR-001", severity, message: "runs as root", file: "compose.yml", line: 3, fix: "add USER 1000" });
const service = (name: string, findings?: PublicService["findings"]): PublicService => ({
  name,
  phase: "ready",
  waitingFor: [],
  pods: [],
  restarts: 0,
  ports: [],
  ...(findings === undefined ? {} : { findings }),
});
const project = (services: PublicService[]): PublicProject => ({
  name: "shop",
  namespace: "shop-dev",
  status: "active",
  composeFiles: [],
  diagnostics: [],
  warnings: [],
  previousNamespaces: [],
  services,
  settled: true,
  changes: [],
});

describe("findingsSummary", () => {
  it("counts errors and warnings, singular and plural; empty without findings", () => {
    expect(findingsSummary(undefined)).toBe("");
    expect(findingsSummary([])).toBe("");
    expect(findingsSummary([finding("error")])).toBe("1 error");
    expect(findingsSummary([finding("warning"), finding("error"), finding("warning")])).toBe("1 error, 2 warnings");
    expect(findingsSummary([finding("warning")])).toBe("1 warning");
  });
});

describe("projectTable", () => {
  it("has a FINDINGS column with the counts per service", () => {
    const lines = projectTable([project([service("web", [finding("error"), finding("warning"), finding("warning")]), service("cache")])], false).split("\n");
    expect(lines[0]).toMatch(/^PROJECT\s+NAMESPACE\s+SERVICE\s+KIND\s+STATUS\s+PORTS\s+FINDINGS\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^shop\s+shop-dev\s+web\s+ready\s+1 error, 2 warnings$/);
    expect(lines[2]).toMatch(/^shop\s+shop-dev\s+cache\s+ready$/);
    expect(lines[0]!.indexOf("FINDINGS")).toBe(lines[1]!.indexOf("1 error"));
  });
});

describe("changesTable", () => {
  it("lists the last changes with their steps, or why they failed; empty without changes", () => {
    expect(changesTable([project([])], false)).toBe("");
    const at = new Date(2026, 10, 23, 20, 1, 2).getTime();
    const changes: PublicProject["changes"] = [
      { id: 1, service: "web", trigger: "change", rule: "web:watch[0]", action: "sync", files: ["src/a.js", "src/b.js", "src/c.js"], fileCount: 3, pods: ["web-1"], at, steps: [{ step: "wait", ms: 30 }, { step: "sync", ms: 14.4 }], totalMs: 44.4, status: "ok" },
      { id: 2, service: "api", trigger: "change", action: "compile", files: [], fileCount: 0, pods: ["api-1"], at, steps: [{ step: "compile", ms: 900 }], totalMs: 900, status: "failed", error: "compile api: exit 2: ./main.go:4:2: undefined: x (the running version stays)" },
      { id: 3, service: "web", trigger: "pod", action: "reconcile", files: [], fileCount: 0, pods: ["web-2"], at, steps: [{ step: "sync", ms: 80 }], totalMs: 80, status: "ok" },
    ];
    const text = changesTable([{ ...project([]), changes }], false);
    expect(text.split("\n")).toEqual([
      "TIME      PROJECT  SERVICE  CHANGE           FILES                  RESULT",
      "20:01:02  shop     web      sync             src/a.js, src/b.js +1  44 ms (wait 30, sync 14)",
      "20:01:02  shop     api      compile                                 failed: compile api: exit 2: ./main.go:4:2: undefined: x (the running version stays)",
      "20:01:02  shop     web      reconcile (pod)                         80 ms (sync 80)",
    ]);
  });
});

