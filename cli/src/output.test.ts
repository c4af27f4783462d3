import { describe, expect, it } from "vitest";
import type { PublicProject, PublicService } from "../../daemon/src/api/types.js";
import { findingsSummary, projectTable } from "./output.js";

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
