/**
 * fixtures/doctor/<case>/: a compose file, Dockerfiles and context files per finding, plus clean cases.
 * Each case is loaded with the real compose loader and checked on the real file system (no image engine);
 * the codes per service are asserted here, the rendered report is compared with <case>/expected.txt
 * (`vitest -u` rewrites it). A case may lower thresholds in doctor-thresholds.json to keep its files small.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { nodeFileSystem } from "../compose/node-file-system.js";
import { DOCTOR_CODES } from "./codes.js";
import type { Finding } from "./finding.js";
import { relativeTo } from "./locate.js";
import { nodeDoctorFileSystem } from "./node-doctor-file-system.js";
import { renderFindings } from "./render-findings.js";
import { runDoctor } from "./run-doctor.js";
import type { DoctorThresholds } from "./thresholds.js";

const root = path.resolve(import.meta.dirname, "../../../fixtures/doctor");

/** Case → service → codes, in report order. Services without findings are listed with []. */
const expected: Record<string, Record<string, string[]>> = {
  "clean-node": { web: [] },
  "clean-multistage-go": { api: [] },
  "clean-image-only": { cache: [], db: [] },
  "root-user": { web: ["DL-DOCTOR-001"], worker: ["DL-DOCTOR-001"] },
  "unpinned-images": { web: ["DL-DOCTOR-002", "DL-DOCTOR-002"], db: ["DL-DOCTOR-002"], cache: ["DL-DOCTOR-002"] },
  "secret-environment": { api: ["DL-DOCTOR-003", "DL-DOCTOR-003"] },
  "secret-dockerfile": { web: ["DL-DOCTOR-005", "DL-DOCTOR-004"] },
  "secret-files": { web: ["DL-DOCTOR-006", "DL-DOCTOR-006", "DL-DOCTOR-006"] },
  "large-context": { web: ["DL-DOCTOR-007"] },
  "no-dockerignore": { web: ["DL-DOCTOR-008"] },
  "cache-busting": { web: ["DL-DOCTOR-009"], worker: ["DL-DOCTOR-009"] },
  "apt-layers": { tools: ["DL-DOCTOR-010", "DL-DOCTOR-011"] },
  "add-url": { tools: ["DL-DOCTOR-012"] },
  "pid1-shell-form": { web: ["DL-DOCTOR-013"], "web-with-init": [], sidecar: ["DL-DOCTOR-013"] },
  "build-tooling": { app: ["DL-DOCTOR-014"], tool: ["DL-DOCTOR-014"] },
  "large-data-file": { model: ["DL-DOCTOR-015"] },
  "upx-binary": { server: ["DL-DOCTOR-016"] },
  heredoc: { web: ["DL-DOCTOR-018"] },
  "dockerfile-syntax": { api: ["DL-DOCTOR-019", "DL-DOCTOR-019", "DL-DOCTOR-013", "DL-DOCTOR-020"] },
  silenced: { legacy: [], other: ["DL-DOCTOR-001", "DL-DOCTOR-013"] },
  "build-target": { dev: ["DL-DOCTOR-001", "DL-DOCTOR-011", "DL-DOCTOR-013"], prod: [] },
};

const cases = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const codesByService = (findings: readonly Finding[], services: readonly string[]): Record<string, string[]> =>
  Object.fromEntries(services.map((service) => [service, findings.filter((finding) => finding.service === service).map((finding) => finding.code)]));

const runCase = async (name: string): Promise<{ findings: Finding[]; services: string[]; report: string }> => {
  const dir = path.join(root, name);
  const loaded = loadProject({ files: [path.join(dir, "compose.yml")], profiles: [], envFiles: [], services: [], environment: {}, cwd: dir }, nodeFileSystem);
  if (!loaded.ok) throw new Error(`fixture ${name} does not load: ${loaded.diagnostics.map((d) => d.message).join("; ")}`);
  const thresholdsFile = path.join(dir, "doctor-thresholds.json");
  const thresholds = existsSync(thresholdsFile) ? (JSON.parse(readFileSync(thresholdsFile, "utf8")) as Partial<DoctorThresholds>) : {};
  const findings = await runDoctor(loaded.project, { fs: nodeDoctorFileSystem, displayPath: relativeTo(dir), thresholds });
  const services = Object.keys(loaded.project.services);
  const report = renderFindings(findings, services.length, { source: (file) => nodeFileSystem.readFile(path.join(dir, file)) });
  return { findings, services, report: `${report}\n` };
};

describe("doctor fixtures", () => {
  it("has an expectation for every case directory, and a case for every code but the image size", () => {
    expect(cases).toEqual(Object.keys(expected).sort());
    const covered = new Set(Object.values(expected).flatMap((services) => Object.values(services).flat()));
    expect(Object.keys(DOCTOR_CODES).filter((code) => !covered.has(code))).toEqual(["DL-DOCTOR-017"]);
  });

  it.each(cases)("%s", async (name) => {
    const { findings, services, report } = await runCase(name);
    expect(codesByService(findings, services)).toEqual(expected[name]);
    for (const finding of findings) expect(finding.file).not.toMatch(/^\//);
    await expect(report).toMatchFileSnapshot(path.join(root, name, "expected.txt"));
  });
});
