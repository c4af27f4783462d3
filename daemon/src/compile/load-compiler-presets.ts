/** Reads every templates/compilers/*.yaml at startup; a bad file is an error naming it (presets are shipped data). */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseCompilerPreset } from "./compiler-preset.js";
import type { CompilerPreset } from "./compiler-preset.js";

export const loadCompilerPresets = async (dir: string): Promise<Readonly<Record<string, CompilerPreset>>> => {
  const presets: Record<string, CompilerPreset> = {};
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".yaml")).sort()) {
    const name = file.slice(0, -".yaml".length);
    const result = parseCompilerPreset(name, await readFile(path.join(dir, file), "utf8"));
    if (!result.ok) throw new Error(`${path.join(dir, file)}: ${result.message}`);
    presets[name] = result.preset;
  }
  return presets;
};
