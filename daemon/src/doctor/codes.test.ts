import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_CHECKS } from "./checks/all-checks.js";
import { DOCTOR_CODES } from "./codes.js";

const docs = readFileSync(path.resolve(import.meta.dirname, "../../../docs/doctor.md"), "utf8");

describe("doctor codes", () => {
  it("are numbered without gaps", () => {
    expect(Object.keys(DOCTOR_CODES)).toEqual(Object.keys(DOCTOR_CODES).map((_, i) => `DL-DOCTOR-${String(i + 1).padStart(3, "0")}`));
  });

  it.each(Object.entries(DOCTOR_CODES))("%s is documented in docs/doctor.md with its severity and produced by a check", (code, info) => {
    expect(docs).toContain(`### ${code} ${info.title} (${info.severity})`);
    expect(ALL_CHECKS.some((check) => check.codes.includes(code as keyof typeof DOCTOR_CODES))).toBe(true);
  });
});
