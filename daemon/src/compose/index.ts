/**
 * loadProject: compose files → ComposeProject, or every diagnostic found. Pure: all file access goes
 * through the ComposeFileSystem handed in. One line per stage; see each module for its rules.
 */
import path from "node:path";
import type { Diagnostic } from "../errors/diagnostic.js";
import { hasErrors } from "../errors/diagnostic.js";
import { discoverFiles } from "./discover.js";
import { buildInterpolationEnvironment, readEnvFile } from "./environment.js";
import { applyExtends } from "./extends.js";
import { createFileLoader } from "./file-loader.js";
import { applyIncludes } from "./include.js";
import type { LMap, LNode } from "./located.js";
import { get, makeMap } from "./located.js";
import { mergeOverrides } from "./merge.js";
import { normalize } from "./normalize.js";
import { selectServices } from "./profiles.js";
import { chooseProjectName, isValidProjectName } from "./project-name.js";
import { makeDiagnostic } from "./report.js";
import { createExpansionBudget, substitute } from "./template.js";
import type { ComposeFileSystem, ComposeProject, LoadOptions, LoadResult } from "./types.js";
import { validateKeys, validateReferences } from "./validate.js";

export type { ComposeFileSystem, ComposeProject, LoadOptions, LoadResult } from "./types.js";

/** Orders diagnostics by file, line and column (problems without a place first), keeping stage order for ties. */
export const sortDiagnostics = (ds: readonly Diagnostic[], fileOrder: readonly string[]): Diagnostic[] => {
  const rank = (f: string): number => (f === "" ? -1 : fileOrder.includes(f) ? fileOrder.indexOf(f) : fileOrder.length);
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.file) - rank(b.d.file) || a.d.file.localeCompare(b.d.file) || a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map((x) => x.d);
};

const dedupe = (ds: readonly Diagnostic[]): Diagnostic[] => {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}\0${d.file}\0${d.line}\0${d.column}\0${d.path}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

export function loadProject(options: LoadOptions, fs: ComposeFileSystem): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const cwd = path.resolve(options.cwd);
  const shell = options.environment;

  // COMPOSE_FILE / COMPOSE_PATH_SEPARATOR may come from the shell or from the working directory's .env.
  const early: Record<string, string> = {};
  if (options.files.length === 0 && shell["COMPOSE_FILE"] === undefined) {
    const dir = options.projectDirectory === undefined ? cwd : path.resolve(cwd, options.projectDirectory);
    readEnvFile({ file: path.join(dir, ".env"), display: ".env", fs, lookup: (k) => shell[k], into: early, diagnostics: [] });
  }
  const composeFileVar = shell["COMPOSE_FILE"] ?? early["COMPOSE_FILE"];
  const pathSeparator = shell["COMPOSE_PATH_SEPARATOR"] ?? early["COMPOSE_PATH_SEPARATOR"];
  const discovered = discoverFiles(
    { files: options.files, cwd, ...(options.projectDirectory !== undefined ? { projectDirectory: options.projectDirectory } : {}), ...(composeFileVar !== undefined ? { composeFileVar } : {}), ...(pathSeparator !== undefined ? { pathSeparator } : {}) },
    fs,
  );
  diagnostics.push(...discovered.diagnostics);
  if (hasErrors(discovered.diagnostics)) return { ok: false, diagnostics };
  const { projectDir } = discovered;

  // One interpolation budget for the whole load (.env files, compose files, env_file): see template.ts.
  const budget = createExpansionBudget();
  const interpolation = buildInterpolationEnvironment({ shell, envFiles: options.envFiles, projectDir, cwd, budget }, fs);
  diagnostics.push(...interpolation.diagnostics);
  // A limit hit while reading .env leaves blank variables behind: stop here rather than report what they break.
  if (budget.tripped) return { ok: false, diagnostics: sortDiagnostics(dedupe(diagnostics), []) };
  const loader = createFileLoader(fs, cwd, budget);

  // The project name comes before interpolation, as in compose-go: ${COMPOSE_PROJECT_NAME} then resolves
  // to it. A top-level name: is read from the raw files (the last one wins) and interpolated on its own.
  let nameNode: LNode | undefined;
  for (const file of discovered.files) nameNode = get(loader.parse({ abs: file, baseDir: projectDir }), "name") ?? nameNode;
  const rawName = nameNode?.kind === "scalar" && nameNode.value !== null ? String(nameNode.value) : undefined;
  const topLevelName = rawName === undefined ? undefined : substitute(rawName, (k) => interpolation.env[k], { budget }).value;
  const chosen = chooseProjectName({
    ...(options.projectName !== undefined ? { flag: options.projectName } : {}),
    ...(interpolation.env["COMPOSE_PROJECT_NAME"] !== undefined ? { envVar: interpolation.env["COMPOSE_PROJECT_NAME"] } : {}),
    ...(topLevelName !== undefined ? { topLevel: topLevelName } : {}),
    projectDir,
  });
  if (!isValidProjectName(chosen.name)) {
    const at = chosen.source === "name:" ? nameNode?.loc : undefined;
    diagnostics.push(
      makeDiagnostic("invalidProjectName", at, chosen.source === "name:" ? "name" : "", `invalid project name ${JSON.stringify(chosen.name)} (from ${chosen.source})`, {
        expected: "lowercase letters, digits, dashes and underscores, starting with a letter or digit",
        got: JSON.stringify(chosen.name),
      }),
    );
  }
  const env: Readonly<Record<string, string>> = { ...interpolation.env, COMPOSE_PROJECT_NAME: chosen.name };

  // As compose-go: each file is interpolated, its extends resolved (within that file, or the file it names)
  // and its includes imported before it is merged onto the files before it.
  const trees: LMap[] = [];
  const brokenExtends = new Set<string>();
  for (const file of discovered.files) {
    const tree = loader.load({ abs: file, baseDir: projectDir, env });
    if (tree) trees.push(applyIncludes({ root: applyExtends(tree, file, loader, env, brokenExtends), loader, env, file }));
  }
  const mainFiles = discovered.files.filter((f) => loader.files.includes(f));
  const root = mergeOverrides(trees);
  diagnostics.push(...loader.diagnostics);
  if (root === undefined) return { ok: false, diagnostics: dedupe(diagnostics) };
  if (budget.tripped) return { ok: false, diagnostics: sortDiagnostics(dedupe(diagnostics), loader.files.map((f) => path.relative(cwd, f))) };

  const versionEntry = root.entries.get("version");
  if (versionEntry) {
    diagnostics.push(makeDiagnostic("obsoleteVersion", versionEntry.keyLoc, "version", "the top-level version key is obsolete and ignored", { hint: "remove it" }));
  }
  diagnostics.push(...validateKeys(root));

  const model = normalize({ root, projectName: chosen.name, interpolationEnv: env, fs, cwd, budget });
  diagnostics.push(...model.diagnostics);
  const selection = selectServices({ model, profiles: options.profiles, composeProfilesVar: env["COMPOSE_PROFILES"], requested: options.services });
  diagnostics.push(...selection.diagnostics);
  diagnostics.push(...validateReferences(model, selection.enabled, { top: root ?? makeMap([], { file: "", line: 0, column: 0, length: 0, baseDir: projectDir }) }, brokenExtends));

  const fileOrder = loader.files.map((f) => path.relative(cwd, f));
  const sorted = sortDiagnostics(dedupe(diagnostics), fileOrder);
  if (hasErrors(sorted)) return { ok: false, diagnostics: sorted };
  const project: ComposeProject = {
    name: chosen.name,
    workingDir: projectDir,
    composeFiles: [...mainFiles, ...loader.files.filter((f) => !mainFiles.includes(f))],
    profiles: selection.activeProfiles,
    services: selection.services,
    disabledServices: selection.disabled,
    volumes: model.volumes,
    networks: model.networks,
    secrets: model.secrets,
    configs: model.configs,
    extensions: model.extensions,
    sourceMap: model.sourceMap,
  };
  return { ok: true, project, warnings: sorted };
}
