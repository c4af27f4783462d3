/**
 * devloop render: load the compose project, translate it, print the manifests (multi-document YAML or a
 * JSON List) on stdout. Diagnostics go to stderr; exit 1 when there is an error in the input.
 */
import { statSync } from "node:fs";
import os from "node:os";
import { loadProject } from "../../../daemon/src/compose/index.js";
import { nodeFileSystem } from "../../../daemon/src/compose/node-file-system.js";
import { hasErrors, type Diagnostic } from "../../../daemon/src/errors/diagnostic.js";
import { renderDiagnostics } from "../../../daemon/src/errors/render.js";
import { awaitedServices, toManifests } from "../../../daemon/src/translate/index.js";
import { loadCompilerPresets } from "../../../daemon/src/build/load-compiler-presets.js";
import { BUILTIN_COMPILER_PRESET_DIR, loadTemplates } from "../../../daemon/src/translate/load-templates.js";
import { isDnsLabel } from "../../../daemon/src/translate/names.js";
import { defaultNamespace } from "../../../daemon/src/translate/namespace.js";
import { toJsonList, toYamlDocuments } from "../../../daemon/src/translate/serialize.js";
import { gatherTranslateInputs } from "../../../daemon/src/translate/translate-inputs.js";
import { type ComposeFlags, toLoadOptions } from "../compose-options.js";
import { UserError } from "../user-error.js";

export interface RenderFlags extends ComposeFlags {
  readonly namespace?: string;
  readonly output: string;
}

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

const printDiagnostics = (diagnostics: readonly Diagnostic[]): void => {
  if (diagnostics.length === 0) return;
  const text = renderDiagnostics(diagnostics, { color: process.stderr.isTTY === true && !process.env["NO_COLOR"], source: (file) => nodeFileSystem.readFile(file) });
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
};

export const renderCommand = async (services: string[], flags: RenderFlags): Promise<number> => {
  if (flags.output !== "yaml" && flags.output !== "json") throw new UserError(`-o must be yaml or json; got "${flags.output}"`);
  if (flags.namespace !== undefined && !isDnsLabel(flags.namespace)) {
    throw new UserError(`-n ${flags.namespace}: a namespace is a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
  }
  const loadOptions = toLoadOptions(flags, services);
  const loaded = loadProject(loadOptions, nodeFileSystem);
  if (!loaded.ok) {
    printDiagnostics(loaded.diagnostics);
    return 1;
  }
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
  printDiagnostics(diagnostics);
  if (hasErrors(diagnostics)) return 1;
  process.stdout.write(flags.output === "json" ? toJsonList(result.manifests) : toYamlDocuments(result.manifests));
  return 0;
};
