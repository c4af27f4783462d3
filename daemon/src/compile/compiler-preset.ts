/**
 * Compiler presets (templates/compilers/<name>.yaml): data only, the defaults an x-devloop.compile spec starts from.
 * The command sees $DEVLOOP_OUTPUT (the artifact path inside the compiler container).
 */
import { parse } from "yaml";

export interface CompilerPreset {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly workdir: string;
  readonly output: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cache: readonly string[];
}

export type PresetResult = { readonly ok: true; readonly preset: CompilerPreset } | { readonly ok: false; readonly message: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** Parses one preset file's text; `name` is the file's base name. */
export const parseCompilerPreset = (name: string, text: string): PresetResult => {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    return { ok: false, message: `compiler preset ${name}: not valid YAML (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
  }
  if (!isRecord(data)) return { ok: false, message: `compiler preset ${name}: expected a mapping` };
  const { image, command, workdir, output, env = {}, cache = [] } = data;
  const bad = (key: string, expected: string): PresetResult => ({ ok: false, message: `compiler preset ${name}: ${key} must be ${expected}` });
  if (typeof image !== "string" || image === "") return bad("image", "a non-empty string");
  if (!isStringList(command) || command.length === 0) return bad("command", "a non-empty list of strings");
  if (typeof workdir !== "string" || !workdir.startsWith("/")) return bad("workdir", "an absolute path");
  if (typeof output !== "string" || !output.startsWith("/")) return bad("output", "an absolute path");
  if (!isRecord(env) || !Object.values(env).every((v) => typeof v === "string")) return bad("env", "a mapping of strings");
  if (!isStringList(cache) || !cache.every((p) => p.startsWith("/"))) return bad("cache", "a list of absolute paths");
  return { ok: true, preset: { name, image, command, workdir, output, env: env as Record<string, string>, cache } };
};
