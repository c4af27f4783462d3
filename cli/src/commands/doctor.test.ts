import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DoctorReport } from "../../../daemon/src/doctor/index.js";
import { doctorCommand } from "./doctor.js";

const fixtures = path.resolve(import.meta.dirname, "../../../fixtures/doctor");
const flags = (fixture: string, extra: Record<string, unknown> = {}) => ({
  file: [path.join(fixtures, fixture, "compose.yml")],
  profile: [],
  envFile: [],
  images: false,
  ...extra,
});

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out, err };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("devloop doctor", () => {
  it("exits 0 with warnings only, and prints them with a summary", async () => {
    const { out } = capture();
    expect(await doctorCommand([], flags("cache-busting"))).toBe(0);
    const text = out.join("");
    expect(text).toContain("warning DL-DOCTOR-009 [web]");
    expect(text.trimEnd().split("\n").at(-1)).toBe("2 findings (0 errors, 2 warnings) in 2 of 2 services");
  });

  it("exits 1 when a finding is an error", async () => {
    capture();
    expect(await doctorCommand([], flags("secret-files"))).toBe(1);
  });

  it("prints the report as JSON with --json, per service, and never a secret value", async () => {
    const { out } = capture();
    expect(await doctorCommand([], flags("secret-environment", { json: true }))).toBe(0);
    const report = JSON.parse(out.join("")) as DoctorReport;
    expect(report.warnings).toBe(2);
    expect(report.services["api"]?.map((finding) => finding.code)).toEqual(["DL-DOCTOR-003", "DL-DOCTOR-003"]);
    expect(out.join("")).not.toContain("hunter2");
    expect(out.join("")).not.toContain("s3cret");
  });

  it("checks only the services named", async () => {
    const { out } = capture();
    await doctorCommand(["worker"], flags("cache-busting", { json: true }));
    const report = JSON.parse(out.join("")) as DoctorReport;
    expect(Object.keys(report.services)).toEqual(["worker"]);
  });

  it("exits 1 with diagnostics when the compose file does not load", async () => {
    const { err } = capture();
    expect(await doctorCommand([], { ...flags("nope"), file: [path.join(fixtures, "nope.yml")] })).toBe(1);
    expect(err.join("")).toMatch(/nope\.yml/);
  });
});

describe("devloop doctor output never shows a secret", () => {
  it.each([["secret-environment", ["hunter2", "s3cret"]], ["secret-dockerfile", ["sk_live_"]], ["secret-files", ["not-a-real"]]])("%s", async (fixture, values) => {
    const { out, err } = capture();
    await doctorCommand([], flags(fixture));
    await doctorCommand([], flags(fixture, { json: true }));
    for (const value of values) expect(out.join("") + err.join("")).not.toContain(value);
  });
});
