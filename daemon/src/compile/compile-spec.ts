/**
 * x-devloop.compile on a service → a resolved CompileSpec (preset defaults, then the service's own keys), or
 * diagnostics with file:line:column from the project's source map. Pure.
 *
 *   x-devloop:
 *     compile: { preset, image, command, workdir, output, target, cache: [paths], env: {K: V}, source }
 */
import path from "node:path";
import { syncTargetProblem } from "../compose/develop.js";
import type { ComposeProject, ServiceSpec, SourceLocation } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { CompileCodes } from "./codes.js";
import type { CompilerPreset } from "./compiler-preset.js";

export interface CompileSpec {
  readonly service: string;
  readonly preset?: string;
  readonly image: string;
  /** argv; a string command becomes ["sh", "-c", command]. */
  readonly command: readonly string[];
  /** Where the source is mounted (read-only) and the command runs. */
  readonly workdir: string;
  /** The artifact path inside the compiler container. */
  readonly output: string;
  /** The artifact's destination in the running service container. */
  readonly target: string;
  /** Absolute host directory mounted at workdir (default: the build context). */
  readonly source: string;
  readonly cache: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export type CompileSpecResult =
  | { readonly ok: true; readonly spec: CompileSpec | undefined }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export const COMPILE_KEYS = ["preset", "image", "command", "workdir", "output", "target", "cache", "env", "source"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
};

const nearest = (word: string, candidates: readonly string[]): string | undefined => {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
};

const locate = (project: ComposeProject, keyPath: string): SourceLocation => {
  let p = keyPath;
  for (;;) {
    const hit = project.sourceMap[p];
    if (hit) return hit;
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) return { file: project.composeFiles[0] ?? "compose.yml", line: 0, column: 0 };
    p = p.slice(0, cut);
  }
};

const describe = (v: unknown): string => {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return typeof v === "object" ? "a mapping" : typeof v;
};

export const parseCompileSpec = (
  project: ComposeProject,
  service: ServiceSpec,
  presets: Readonly<Record<string, CompilerPreset>>,
): CompileSpecResult => {
  const devloop = service.extensions["x-devloop"];
  const raw = isRecord(devloop) ? devloop["compile"] : undefined;
  if (raw === undefined) return { ok: true, spec: undefined };
  const base = `services.${service.name}.x-devloop.compile`;
  const diagnostics: Diagnostic[] = [];
  const report = (code: string, key: string, message: string, extra: Partial<Pick<Diagnostic, "expected" | "got" | "hint">> = {}): void => {
    const at = locate(project, key === "" ? base : `${base}.${key}`);
    diagnostics.push({ code, severity: "error", file: at.file, line: at.line, column: at.column, path: key === "" ? base : `${base}.${key}`, message, ...extra });
  };
  if (!isRecord(raw)) {
    report(CompileCodes.compileNotMapping, "", "x-devloop.compile must be a mapping", { expected: "{ preset: go, output: /out/app, target: /app/app }", got: describe(raw) });
    return { ok: false, diagnostics };
  }
  for (const key of Object.keys(raw)) {
    if ((COMPILE_KEYS as readonly string[]).includes(key)) continue;
    const suggestion = nearest(key, COMPILE_KEYS);
    report(CompileCodes.compileUnknownKey, key, `unknown key "${key}" in x-devloop.compile`, {
      expected: `one of ${COMPILE_KEYS.join(", ")}`,
      ...(suggestion ? { hint: `did you mean "${suggestion}"?` } : {}),
    });
  }
  let preset: CompilerPreset | undefined;
  if (raw["preset"] !== undefined) {
    const name = raw["preset"];
    preset = typeof name === "string" ? presets[name] : undefined;
    if (!preset) {
      const suggestion = typeof name === "string" ? nearest(name, Object.keys(presets)) : undefined;
      report(CompileCodes.compileUnknownPreset, "preset", "unknown compiler preset", {
        expected: `one of ${Object.keys(presets).sort().join(", ")}`,
        got: describe(name),
        ...(suggestion ? { hint: `did you mean "${suggestion}"?` } : {}),
      });
    }
  }
  const str = (key: string, absolute: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "" || (absolute && !value.startsWith("/"))) {
      report(CompileCodes.compileBadValue, key, `${key} must be ${absolute ? "an absolute path" : "a non-empty string"}`, {
        expected: absolute ? "a path starting with /" : "a string",
        got: describe(value),
      });
      return undefined;
    }
    return value;
  };
  const image = str("image", false) ?? preset?.image;
  const workdir = str("workdir", true) ?? preset?.workdir ?? "/src";
  const output = str("output", true) ?? preset?.output;
  let target = str("target", true);
  // As develop.watch targets (DL-COMPOSE-047): /app/../../etc/x would put the artifact in /etc/x.
  const targetProblem = target === undefined ? undefined : syncTargetProblem(target);
  if (targetProblem) {
    report(CompileCodes.compileBadValue, "target", targetProblem.message.replace("the sync target", "the compile target"), { expected: targetProblem.expected, got: describe(target) });
    target = undefined;
  }
  let command: readonly string[] | undefined = preset?.command;
  const rawCommand = raw["command"];
  if (typeof rawCommand === "string" && rawCommand !== "") command = ["sh", "-c", rawCommand];
  else if (Array.isArray(rawCommand) && rawCommand.length > 0 && rawCommand.every((s) => typeof s === "string")) command = rawCommand;
  else if (rawCommand !== undefined) report(CompileCodes.compileBadValue, "command", "command must be a string or a non-empty list of strings", { got: describe(rawCommand) });
  let cache: readonly string[] = preset?.cache ?? [];
  const rawCache = raw["cache"];
  if (rawCache !== undefined) {
    if (Array.isArray(rawCache) && rawCache.every((p) => typeof p === "string" && p.startsWith("/"))) cache = rawCache as string[];
    else report(CompileCodes.compileBadValue, "cache", "cache must be a list of absolute paths in the compiler container", { expected: "[/root/.cache/go-build]", got: describe(rawCache) });
  }
  let env: Readonly<Record<string, string>> = preset?.env ?? {};
  const rawEnv = raw["env"];
  if (rawEnv !== undefined) {
    if (isRecord(rawEnv) && Object.values(rawEnv).every((v) => typeof v === "string" || typeof v === "number")) {
      env = { ...env, ...Object.fromEntries(Object.entries(rawEnv).map(([k, v]) => [k, String(v)])) };
    } else report(CompileCodes.compileBadValue, "env", "env must be a mapping of names to strings", { got: describe(rawEnv) });
  }
  const rawSource = raw["source"];
  let source = service.build?.context;
  if (rawSource !== undefined) {
    if (typeof rawSource === "string" && rawSource !== "") source = path.resolve(project.workingDir, rawSource);
    else report(CompileCodes.compileBadValue, "source", "source must be a directory path", { got: describe(rawSource) });
  }
  const missing = (key: string, hint: string): void =>
    report(CompileCodes.compileMissing, "", `x-devloop.compile needs ${key}`, { expected: `${key}: …`, hint });
  // With an unknown preset, what the preset would have given is not reported missing as well: one error, the preset's.
  const presetNamed = raw["preset"] !== undefined;
  if (!presetNamed && image === undefined && raw["image"] === undefined) missing("image", "give image: or a preset: (go, c)");
  if (!presetNamed && command === undefined && rawCommand === undefined) missing("command", "give command: or a preset: (go, c)");
  if (!presetNamed && output === undefined && raw["output"] === undefined) missing("output", "the artifact path inside the compiler container, e.g. /out/app");
  if (target === undefined && raw["target"] === undefined) missing("target", "where the artifact goes in the running container, e.g. /app/app");
  if (source === undefined && rawSource === undefined) missing("source", "the service has no build: context; give source: ./path");
  if (diagnostics.length > 0 || image === undefined || command === undefined || output === undefined || target === undefined || source === undefined) {
    return { ok: false, diagnostics };
  }
  return {
    ok: true,
    spec: { service: service.name, ...(preset ? { preset: preset.name } : {}), image, command, workdir, output, target, source, cache, env },
  };
};
