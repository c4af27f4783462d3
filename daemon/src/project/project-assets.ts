/**
 * What a load takes from the devloop package rather than the project: the object templates (templates/k8s) and
 * the compiler presets (templates/compilers). Read from disk here, handed to loadProject as data.
 */
import { loadCompilerPresets } from "../compile/load-compiler-presets.js";
import type { CompilerPreset } from "../compile/compiler-preset.js";
import { BUILTIN_COMPILER_PRESET_DIR, loadTemplates, type LoadTemplatesResult } from "../translate/load-templates.js";

export interface ProjectAssets {
  /** The templates and the problems found in them (reported with every load's diagnostics). */
  readonly templates: LoadTemplatesResult;
  readonly compilerPresets: Readonly<Record<string, CompilerPreset>>;
}

/** Rejects when a shipped preset is broken (naming the file). */
export const loadProjectAssets = async (): Promise<ProjectAssets> => ({
  templates: loadTemplates(),
  compilerPresets: await loadCompilerPresets(BUILTIN_COMPILER_PRESET_DIR),
});

/** Read once, on first use; a failed read is tried again by the next caller. */
export const cachedProjectAssets = (read: () => Promise<ProjectAssets> = loadProjectAssets): (() => Promise<ProjectAssets>) => {
  let assets: Promise<ProjectAssets> | undefined;
  return () => {
    assets ??= read().catch((error: unknown) => {
      assets = undefined;
      throw error;
    });
    return assets;
  };
};
