/**
 * Golden tests: every fixtures/compose/<case>/ is loaded with the real loader (compose.yml, overrides, .env,
 * optional case.json for flags and shell variables), translated with the built-in templates, and compared
 * with <case>/expected.k8s.yaml. `npm run golden:update` rewrites them; with CI=true a missing file fails.
 * The header comments record the diagnostics, the dependency graph, the sync mappings and the live spec.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { nodeFileSystem } from "../compose/node-file-system.js";
import type { LoadOptions } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { awaitedServices, toManifests } from "./index.js";
import { loadCompilerPresets } from "../compile/load-compiler-presets.js";
import { BUILTIN_COMPILER_PRESET_DIR, loadTemplates } from "./load-templates.js";
import { toYamlDocuments } from "./serialize.js";
import { gatherTranslateInputs } from "./translate-inputs.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const CASES = path.join(REPO, "fixtures/compose");

/** case.json: the command-line flags and shell environment of a case (all optional). */
interface CaseConfig {
  readonly files?: readonly string[];
  readonly profiles?: readonly string[];
  readonly envFiles?: readonly string[];
  readonly services?: readonly string[];
  readonly projectName?: string;
  readonly projectDirectory?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly namespace?: string;
  readonly images?: Readonly<Record<string, string>>;
}

const readCase = (dir: string): CaseConfig => {
  const file = path.join(dir, "case.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as CaseConfig) : {};
};

const describeDiagnostic = (d: Diagnostic, dir: string): string => {
  const file = path.isAbsolute(d.file) ? path.relative(dir, d.file) : d.file;
  return `${file}:${d.line}:${d.column}: ${d.severity} ${d.code} at ${d.path}: ${d.message}`;
};

const header = (lines: readonly string[], title: string): string[] => (lines.length === 0 ? [] : [`# ${title}:`, ...lines.map((l) => `#   ${l}`)]);

const presets = await loadCompilerPresets(BUILTIN_COMPILER_PRESET_DIR);

/** The live spec, one line per rule, compile spec and pod setting (paths relative to the case). */
const liveLines = (result: ReturnType<typeof toManifests>, rel: (p: string) => string): string[] =>
  Object.values(result.live).flatMap((l) => [
    `${l.service} (container ${l.container}): restart ${l.restart}; seeded ${l.seededDirs.join(", ") || "-"}`,
    ...l.rules.map(
      (r) =>
        `  ${r.id} ${r.action} ${rel(r.localRoot)}${r.only ? ` only ${r.only}` : ""}${r.targetDir ? ` -> ${r.targetDir}` : ""}` +
        `${r.ignore.length > 0 ? ` ignore ${r.ignore.join(",")}` : ""}${r.include.length > 0 ? ` include ${r.include.join(",")}` : ""}` +
        `${r.contextDir ? ` context ${rel(r.contextDir)}` : ""}${r.initialSync ? " initial" : ""}${r.exec ? ` exec ${JSON.stringify(r.exec.command)}` : ""}`,
    ),
    ...(l.compile ? [`  compile ${l.compile.preset ?? "-"} ${l.compile.image} ${rel(l.compile.source)} -> ${l.compile.output} -> ${l.compile.target}`] : []),
  ]);

const renderCase = (dir: string): string => {
  const config = readCase(dir);
  const options: LoadOptions = {
    files: config.files ?? [],
    profiles: config.profiles ?? [],
    envFiles: config.envFiles ?? [],
    services: config.services ?? [],
    environment: config.env ?? {},
    cwd: dir,
    ...(config.projectName === undefined ? {} : { projectName: config.projectName }),
    ...(config.projectDirectory === undefined ? {} : { projectDirectory: config.projectDirectory }),
  };
  const loaded = loadProject(options, nodeFileSystem);
  if (!loaded.ok) return `# load failed:\n${loaded.diagnostics.map((d) => `#   ${describeDiagnostic(d, dir)}`).join("\n")}\n`;
  const { project } = loaded;
  // As devloop render does: with services named, one-shot services are found in the whole file.
  const whole = options.services.length > 0 ? loadProject({ ...options, services: [], profiles: ["*"] }, nodeFileSystem) : loaded;
  const result = toManifests(project, {
    awaitedServices: whole.ok ? awaitedServices(whole.project) : [],
    namespace: config.namespace ?? "golden",
    templates: loadTemplates().templates,
    compilerPresets: presets,
    ...gatherTranslateInputs({ project, loadOptions: options, fs: nodeFileSystem, isFile: (f) => existsSync(f) && statSync(f).isFile() }),
    ...(config.images === undefined ? {} : { images: config.images }),
  });
  // Paths inside the checkout relative to the case, others absolute: "../../etc" would depend on the clone's depth.
  const rel = (p: string): string => (p.startsWith(REPO) ? path.relative(dir, p) || "." : p).split(path.sep).join("/");
  const lines = [
    ...header([...loaded.warnings, ...result.warnings].map((d) => describeDiagnostic(d, dir)), "diagnostics"),
    ...header(result.dependencies.map((e) => `${e.service} -> ${e.dependsOn} (${e.condition}${e.required ? "" : ", optional"}${e.restart ? ", restart" : ""})`), "dependencies"),
    ...header(result.syncMappings.map((m) => `${m.service}: ${rel(m.source)} -> ${m.target} (${m.volumeName})`), "sync"),
    ...header(liveLines(result, rel), "live"),
  ];
  const text = `${lines.length > 0 ? `${lines.join("\n")}\n` : ""}${toYamlDocuments(result.manifests)}`;
  // hostPath volumes hold absolute paths; make them checkout-independent.
  return text.split(REPO.replace(/\/$/, "")).join("<repo>");
};

const cases = existsSync(CASES)
  ? readdirSync(CASES)
      .filter((name) => statSync(path.join(CASES, name)).isDirectory())
      .sort()
  : [];

describe("golden: fixtures/compose", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(CASES, name);
      await expect(renderCase(dir)).toMatchFileSnapshot(path.join(dir, "expected.k8s.yaml"));
    });
  }
});
