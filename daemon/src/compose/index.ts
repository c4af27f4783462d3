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
import { EMPTY_FILE } from "./parse.js";
import { Codes } from "./codes.js";
import { redactDiagnostics, secretValues, type SecretSources } from "./redact.js";
import { createExpansionBudget, substitute } from "./template.js";
import type { ComposeFileSystem, ComposeProject, LoadOptions, LoadResult, ServiceSpec } from "./types.js";
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

/** The environment as normalize reads it (bare environment / env_file keys, HOME), noting each name looked up. */
const recordingLookups = (env: Readonly<Record<string, string>>, names: Set<string>): Readonly<Record<string, string>> =>
  new Proxy(env, {
    get(target, key, receiver) {
      if (typeof key === "string") names.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });

const dedupe = (ds: readonly Diagnostic[]): Diagnostic[] => {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}\0${d.file}\0${d.line}\0${d.column}\0${d.path}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Names always kept among a load's variables: they choose files, the project name, profiles and the namespace. */
const controlVariable = /^(?:COMPOSE_[A-Z_]+|DEVLOOP_[A-Z_]+|HOME|USER)$/;

/** What the load saw that redaction and the variable list need (filled in as the stages run). */
interface LoadSeen {
  env?: Readonly<Record<string, string>>;
  model?: { readonly services: SecretSources["services"]; readonly secrets: SecretSources["secrets"] };
  readonly referenced: Set<string>;
}

/** `-f -`: the compose file the caller read from stdin (options.stdin) appears as "<cwd>/-", as in compose-go. */
const withStdin = (options: LoadOptions, fs: ComposeFileSystem): ComposeFileSystem => {
  if (!options.files.includes("-")) return fs;
  const stdinPath = path.resolve(options.cwd, "-");
  return {
    readFile: (p) => (path.resolve(p) === stdinPath ? options.stdin : fs.readFile(p)),
    exists: (p) => (path.resolve(p) === stdinPath ? options.stdin !== undefined : fs.exists(p)),
  };
};

export function loadProject(options: LoadOptions, fs: ComposeFileSystem): LoadResult {
  const seen: LoadSeen = { referenced: new Set() };
  const result = loadUnredacted(options, withStdin(options, fs), seen);
  // Secret values quoted by any diagnostic are hidden here, once, whatever stage produced it (redact.ts).
  const values = secretValues({ ...(seen.env ? { env: seen.env } : { env: options.environment }), ...(seen.model ?? {}) });
  if (!result.ok) return { ok: false, diagnostics: redactDiagnostics(result.diagnostics, values) };
  const shell = options.environment;
  const variables = [...seen.referenced].filter((name) => shell[name] !== undefined || controlVariable.test(name));
  for (const name of Object.keys(shell)) if (controlVariable.test(name) && !variables.includes(name)) variables.push(name);
  return { ...result, warnings: redactDiagnostics(result.warnings, values), secretValues: values, variables: variables.sort() };
}

/** `up -t N`: every service's stop_grace_period is N seconds, as Compose's --timeout overrides it. */
const withStopGracePeriod = (services: Readonly<Record<string, ServiceSpec>>, seconds: number | undefined): Readonly<Record<string, ServiceSpec>> =>
  seconds === undefined ? services : Object.fromEntries(Object.entries(services).map(([name, spec]) => [name, { ...spec, stopGracePeriod: seconds }]));

function loadUnredacted(options: LoadOptions, fs: ComposeFileSystem, seen: LoadSeen): LoadResult {
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
  // COMPOSE_ENV_FILES (comma-separated) stands for --env-file when none is given, as in docker compose.
  const envFilesVar = options.envFiles.length === 0 ? shell["COMPOSE_ENV_FILES"] : undefined;
  if (envFilesVar !== undefined) seen.referenced.add("COMPOSE_ENV_FILES");
  const envFiles = envFilesVar === undefined ? options.envFiles : envFilesVar.split(",").map((f) => f.trim()).filter((f) => f !== "");
  const interpolation = buildInterpolationEnvironment(
    { shell, envFiles, envFilesFrom: envFilesVar === undefined ? "--env-file" : "COMPOSE_ENV_FILES", projectDir, cwd, budget, onLookup: (name) => seen.referenced.add(name) },
    fs,
  );
  diagnostics.push(...interpolation.diagnostics);
  seen.env = interpolation.env;
  // A limit hit while reading .env leaves blank variables behind: stop here rather than report what they break.
  if (budget.tripped) return { ok: false, diagnostics: sortDiagnostics(dedupe(diagnostics), []) };
  const loader = createFileLoader(fs, cwd, budget);

  // The project name comes before interpolation, as in compose-go: ${COMPOSE_PROJECT_NAME} then resolves
  // to it. A top-level name: is read from the raw files (the last one wins) and interpolated on its own.
  let nameNode: LNode | undefined;
  for (const file of discovered.files) nameNode = get(loader.parse({ abs: file, baseDir: projectDir }), "name") ?? nameNode;
  const rawName = nameNode?.kind === "scalar" && nameNode.value !== null ? String(nameNode.value) : undefined;
  // compose-spec.json: name is a string (name: 123 or a list is refused, as compose-go's schema check does).
  if (nameNode !== undefined && !(nameNode.kind === "scalar" && (nameNode.value === null || typeof nameNode.value === "string"))) {
    const got = nameNode.kind === "map" ? "a mapping" : nameNode.kind === "seq" ? "a list" : `${typeof nameNode.value} ${String(nameNode.value)}`;
    diagnostics.push(makeDiagnostic("wrongType", nameNode.loc, "name", "the project name must be a string", { expected: 'a string, e.g. name: "myapp"', got }));
  }
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
  // An empty file among several (-f base.yml -f empty.yml) adds nothing, as in compose-go; alone, it is an error.
  const emptyIsFine = discovered.files.length > 1 && trees.length > 0;
  diagnostics.push(...(emptyIsFine ? loader.diagnostics.filter((d) => !(d.code === Codes.notAMapping.code && d.message === EMPTY_FILE)) : loader.diagnostics));
  if (root === undefined) return { ok: false, diagnostics: dedupe(diagnostics) };
  if (budget.tripped) return { ok: false, diagnostics: sortDiagnostics(dedupe(diagnostics), loader.files.map((f) => path.relative(cwd, f))) };

  const versionEntry = root.entries.get("version");
  if (versionEntry) {
    diagnostics.push(makeDiagnostic("obsoleteVersion", versionEntry.keyLoc, "version", "the top-level version key is obsolete and ignored", { hint: "remove it" }));
  }
  diagnostics.push(...validateKeys(root));

  const model = normalize({ root, projectName: chosen.name, interpolationEnv: recordingLookups(env, seen.referenced), fs, cwd, budget });
  diagnostics.push(...model.diagnostics);
  seen.model = model;
  for (const name of loader.used) seen.referenced.add(name);
  for (const spec of [...Object.values(model.secrets), ...Object.values(model.configs)]) if (spec.environment !== undefined) seen.referenced.add(spec.environment);
  const selection = selectServices({ model, profiles: options.profiles, composeProfilesVar: env["COMPOSE_PROFILES"], requested: options.services });
  diagnostics.push(...selection.diagnostics);
  // A missing env_file of a service that is not selected does not fail the load (compose-go reads the env files of
  // the selected services only).
  const unselected = Object.keys(model.services).filter((n) => !selection.enabled.has(n));
  const unselectedEnvFile = (d: Diagnostic): boolean =>
    d.code === Codes.envFileNotFound.code && unselected.some((n) => d.path === `services.${n}.env_file` || d.path.startsWith(`services.${n}.env_file[`));
  const kept = diagnostics.filter((d) => !unselectedEnvFile(d));
  diagnostics.length = 0;
  diagnostics.push(...kept);
  diagnostics.push(...validateReferences(model, selection.enabled, { top: root ?? makeMap([], { file: "", line: 0, column: 0, length: 0, baseDir: projectDir }) }, brokenExtends));

  const fileOrder = loader.files.map((f) => path.relative(cwd, f));
  const sorted = sortDiagnostics(dedupe(diagnostics), fileOrder);
  if (hasErrors(sorted)) return { ok: false, diagnostics: sorted };
  const project: ComposeProject = {
    name: chosen.name,
    workingDir: projectDir,
    composeFiles: [...mainFiles, ...loader.files.filter((f) => !mainFiles.includes(f))],
    profiles: selection.activeProfiles,
    services: withStopGracePeriod(selection.services, options.stopGracePeriod),
    disabledServices: selection.disabled,
    allProfiles: [...new Set(Object.values(model.services).flatMap((s) => s.profiles))].sort(),
    volumes: model.volumes,
    networks: model.networks,
    secrets: model.secrets,
    configs: model.configs,
    extensions: model.extensions,
    ...(model.delivery === undefined ? {} : { delivery: model.delivery }),
    sourceMap: model.sourceMap,
  };
  return { ok: true, project, warnings: sorted };
}
