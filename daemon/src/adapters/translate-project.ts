/**
 * Load a compose project from disk and translate it, with every input the pure translator takes from outside:
 * templates, compiler presets, secret/config and bind-mounted file contents, watched files, and the one-shot services
 * found in the whole file when only some services are selected. One function, so `devloop render` / `validate`, the
 * daemon's loader and the dashboard's translation view all see the same project.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { userInfo } from "node:os";
import { loadCompilerPresets } from "../compile/load-compiler-presets.js";
import { loadProject } from "../compose/index.js";
import { nodeFileSystem } from "../compose/node-file-system.js";
import { redactDiagnostics } from "../compose/redact.js";
import { createRecordingFileSystem } from "../compose/recording-file-system.js";
import type { ComposeProject, LoadOptions } from "../compose/types.js";
import { hasErrors, type Diagnostic } from "../errors/diagnostic.js";
import { escapeDiagnostic } from "../errors/escape.js";
import { awaitedServices, defaultNamespace, toManifests } from "../translate/index.js";
import { BUILTIN_COMPILER_PRESET_DIR, loadTemplates } from "../translate/load-templates.js";
import { gatherTranslateInputs } from "../translate/translate-inputs.js";
import type { TranslateResult } from "../translate/types.js";

/** The user part of the default namespace: $DEVLOOP_USER, else the OS user. */
export const currentUser = (env: Readonly<Record<string, string | undefined>> = process.env): string => {
  const explicit = env["DEVLOOP_USER"];
  if (explicit !== undefined && explicit !== "") return explicit;
  try {
    return userInfo().username;
  } catch {
    return env["USER"] ?? "user";
  }
};

const isFile = (file: string): boolean => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

export type TranslatedProject =
  | {
      readonly ok: true;
      readonly project: ComposeProject;
      readonly namespace: string;
      readonly translated: TranslateResult;
      /**
       * Every file the load read: the compose files first, then .env, env files, label files, secret/config and
       * bind-mounted files — not the Dockerfiles (an edit there is a rebuild, not a reload).
       */
      readonly inputFiles: readonly string[];
      /** Load warnings, template problems and translation warnings, in that order (no errors). */
      readonly diagnostics: readonly Diagnostic[];
      /** The names from options.environment the load referred to (what a restarted daemon needs of them). */
      readonly variables: readonly string[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** `namespace` undefined: the project's default for this user ("<project>-<user>"). */
export const translateProject = async (options: LoadOptions, namespace?: string): Promise<TranslatedProject> => {
  const fs = createRecordingFileSystem(nodeFileSystem);
  const loaded = loadProject(options, fs);
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  const { project } = loaded;
  const templates = loadTemplates();
  // With services named, their waiters may not be selected: find one-shot services in the whole file.
  const whole = options.services.length > 0 ? loadProject({ ...options, services: [], profiles: ["*"] }, nodeFileSystem) : loaded;
  const ns = namespace ?? defaultNamespace(project.name, currentUser(options.environment));
  const translated = toManifests(project, {
    awaitedServices: whole.ok ? awaitedServices(whole.project) : [],
    namespace: ns,
    templates: templates.templates,
    compilerPresets: await loadCompilerPresets(BUILTIN_COMPILER_PRESET_DIR),
    ...gatherTranslateInputs({ project, loadOptions: options, fs, isFile }),
  });
  // Translation diagnostics may quote values too: the load's secret values are hidden in them as well.
  // Control bytes quoted from the input are escaped in them as in the loader's own (errors/escape.ts).
  const diagnostics = redactDiagnostics([...loaded.warnings, ...templates.diagnostics, ...translated.warnings], loaded.secretValues ?? []).map(escapeDiagnostic);
  const dockerfiles = new Set(Object.values(project.services).flatMap((s) => (s.build ? [path.resolve(s.build.context, s.build.dockerfile)] : [])));
  const inputFiles = [...new Set([...project.composeFiles, ...fs.read()])].filter((f) => !dockerfiles.has(f));
  return hasErrors(diagnostics) ? { ok: false, diagnostics } : { ok: true, project, namespace: ns, translated, inputFiles, diagnostics, variables: loaded.variables ?? [] };
};
