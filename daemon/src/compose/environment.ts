/**
 * The interpolation environment, highest precedence first: the shell, then --env-file files in order
 * (a later file wins; giving any replaces the project .env), then <project dir>/.env.
 */
import path from "node:path";
import type { Diagnostic } from "../errors/diagnostic.js";
import { displayPath } from "./discover.js";
import { parseDotenv, type DotenvProblem } from "./dotenv.js";
import { maxInputLength, tooLargeMessage } from "./nesting.js";
import { makeDiagnostic } from "./report.js";
import { limitDetails, type ExpansionBudget } from "./template.js";
import type { ComposeFileSystem } from "./types.js";

export type EnvMap = Readonly<Record<string, string | undefined>>;

export interface EnvironmentParams {
  readonly shell: EnvMap;
  /** --env-file values (relative to cwd). */
  readonly envFiles: readonly string[];
  /** Where envFiles came from, for the not-found message (default --env-file). */
  readonly envFilesFrom?: string;
  readonly projectDir: string;
  readonly cwd: string;
  /** The load's interpolation budget (template.ts). */
  readonly budget?: ExpansionBudget;
  /** Told each name an env file looks up outside itself (for the variables a load refers to). */
  readonly onLookup?: (name: string) => void;
}

export interface InterpolationEnvironment {
  readonly env: Readonly<Record<string, string>>;
  /** Absolute paths of the env files read, in order. */
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads one env file into `into` (later keys win); a bare key takes its value from `lookup`, or stays unset. */
export const readEnvFile = (params: {
  readonly file: string;
  readonly display: string;
  readonly fs: ComposeFileSystem;
  readonly lookup: (name: string) => string | undefined;
  readonly raw?: boolean;
  readonly into: Record<string, string>;
  readonly diagnostics: Diagnostic[];
  readonly budget?: ExpansionBudget;
}): boolean => {
  const text = params.fs.readFile(params.file);
  if (text === undefined) return false;
  if (text.length > maxInputLength) {
    params.diagnostics.push(tooLargeEnvFile(params.display, text.length));
    return true;
  }
  const result = parseDotenv(text, { lookup: params.lookup, raw: params.raw ?? false, ...(params.budget ? { budget: params.budget } : {}) });
  for (const p of result.problems) params.diagnostics.push(dotenvDiagnostic(params.display, p));
  for (const e of result.entries) {
    const value = e.value ?? params.lookup(e.key);
    if (value !== undefined) params.into[e.key] = value;
  }
  return true;
};

export const tooLargeEnvFile = (display: string, length: number): Diagnostic =>
  makeDiagnostic("inputLimit", { file: display }, "", tooLargeMessage("the env file", length), { expected: "an env file of at most 8 MiB" });

/** A .env / env_file problem as a diagnostic: a syntax error, or an interpolation limit reached defining a variable. */
export const dotenvDiagnostic = (display: string, p: DotenvProblem): Diagnostic =>
  p.kind === "limit"
    ? makeDiagnostic("expansionLimit", { file: display, line: p.line, column: p.column, length: p.variable?.length ?? 0 }, "", p.message, {
        ...limitDetails({ limit: p.limit ?? "value", name: p.expanding }),
        hint: "a value built from earlier ones (A=${B}${B}, or each line extending the one before) grows fast; define large values directly",
      })
    : makeDiagnostic("envFileSyntax", { file: display, line: p.line, column: p.column }, "", p.message, { expected: "KEY=value, export KEY=value, KEY, or # comment" });

export const buildInterpolationEnvironment = (params: EnvironmentParams, fs: ComposeFileSystem): InterpolationEnvironment => {
  const diagnostics: Diagnostic[] = [];
  const fromFiles: Record<string, string> = {};
  const shellLookup = (name: string): string | undefined => {
    params.onLookup?.(name);
    return params.shell[name] ?? fromFiles[name];
  };
  const files: string[] = [];
  const explicit = params.envFiles.length > 0;
  const candidates = explicit ? params.envFiles.map((f) => path.resolve(params.cwd, f)) : [path.join(params.projectDir, ".env")];
  for (const file of candidates) {
    const ok = readEnvFile({ file, display: displayPath(file, params.cwd), fs, lookup: shellLookup, into: fromFiles, diagnostics, ...(params.budget ? { budget: params.budget } : {}) });
    if (ok) files.push(file);
    else if (explicit) {
      diagnostics.push(makeDiagnostic("envFileNotFound", undefined, "", `env file ${displayPath(file, params.cwd)} (${params.envFilesFrom ?? "--env-file"}) does not exist`));
    }
  }
  const env: Record<string, string> = { ...fromFiles };
  for (const [k, v] of Object.entries(params.shell)) if (v !== undefined) env[k] = v;
  return { env, files, diagnostics };
};
