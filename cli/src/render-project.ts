/**
 * Load and translate a compose project exactly as the daemon does (templates, compiler presets, bind files, watched
 * files, one-shot services found in the whole file): what `devloop render` prints and `devloop validate` checks.
 */
import { statSync } from "node:fs";
import os from "node:os";
import { loadCompilerPresets } from "../../daemon/src/build/load-compiler-presets.js";
import { loadProject } from "../../daemon/src/compose/index.js";
import { nodeFileSystem } from "../../daemon/src/compose/node-file-system.js";
import { renderDiagnostics } from "../../daemon/src/errors/render.js";
import type { ComposeProject } from "../../daemon/src/compose/types.js";
import { hasErrors, type Diagnostic } from "../../daemon/src/errors/diagnostic.js";
import { awaitedServices, toManifests } from "../../daemon/src/translate/index.js";
import { BUILTIN_COMPILER_PRESET_DIR, loadTemplates } from "../../daemon/src/translate/load-templates.js";
import { defaultNamespace } from "../../daemon/src/translate/namespace.js";
import { gatherTranslateInputs } from "../../daemon/src/translate/translate-inputs.js";
import type { KubeManifest } from "../../daemon/src/translate/types.js";
import { type ComposeFlags, toLoadOptions } from "./compose-options.js";

/** As the daemon does: $DEVLOOP_USER, else the OS user (so render prints what up applies). */
const currentUser = (): string => {
  const explicit = process.env["DEVLOOP_USER"];
  if (explicit !== undefined && explicit !== "") return explicit;
  try {
    return os.userInfo().username;
  } catch {
    return process.env["USER"] ?? "user";
  }
};

const isFile = (file: string): boolean => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** Diagnostics to stderr, with source excerpts. */
export const printDiagnostics = (diagnostics: readonly Diagnostic[]): void => {
  if (diagnostics.length === 0) return;
  const text = renderDiagnostics(diagnostics, { color: process.stderr.isTTY === true && !process.env["NO_COLOR"], source: (file) => nodeFileSystem.readFile(file) });
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
};

export type RenderedProject =
  | { readonly ok: true; readonly project: ComposeProject; readonly manifests: readonly KubeManifest[]; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export const renderProject = async (services: string[], flags: ComposeFlags & { readonly namespace?: string }): Promise<RenderedProject> => {
  const loadOptions = toLoadOptions(flags, services);
  const loaded = loadProject(loadOptions, nodeFileSystem);
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  const { project } = loaded;
  const templates = loadTemplates();
  // With services named, their waiters may not be selected: find one-shot services in the whole file.
  const whole = services.length > 0 ? loadProject({ ...loadOptions, services: [], profiles: ["*"] }, nodeFileSystem) : loaded;
  const result = toManifests(project, {
    awaitedServices: whole.ok ? awaitedServices(whole.project) : [],
    namespace: flags.namespace ?? defaultNamespace(project.name, currentUser()),
    templates: templates.templates,
    compilerPresets: await loadCompilerPresets(BUILTIN_COMPILER_PRESET_DIR),
    ...gatherTranslateInputs({ project, loadOptions, fs: nodeFileSystem, isFile }),
  });
  const diagnostics = [...loaded.warnings, ...templates.diagnostics, ...result.warnings];
  return hasErrors(diagnostics) ? { ok: false, diagnostics } : { ok: true, project, manifests: result.manifests, diagnostics };
};
