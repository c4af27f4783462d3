/**
 * Reads, parses (stage 1) and interpolates (stage 2) compose files. Parsing is cached by path and base
 * directory, interpolation by environment too, so no file is parsed twice however often main files, extends
 * and include refer to it. Each file's diagnostics are recorded once.
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import { displayPath } from "./discover.js";
import { interpolate } from "./interpolate.js";
import { maxInputLength, tooLargeMessage } from "./nesting.js";
import type { LMap, Loc } from "./located.js";
import { parseComposeFile } from "./parse.js";
import { makeDiagnostic } from "./report.js";
import { createExpansionBudget, type ExpansionBudget } from "./template.js";
import type { ComposeFileSystem } from "./types.js";

export interface FileReference {
  readonly loc: Loc;
  readonly path: string;
  /** "extends" or "included", for the message. */
  readonly what: string;
}

export interface FileLoader {
  /** Parses a file, not interpolated; undefined (with diagnostics recorded) when it is missing or unusable. */
  parse(params: { abs: string; baseDir: string; from?: FileReference }): LMap | undefined;
  /** Parses and interpolates a file. `from` locates the reference, for a missing file. */
  load(params: { abs: string; baseDir: string; env: Readonly<Record<string, string>>; from?: FileReference }): LMap | undefined;
  readonly diagnostics: Diagnostic[];
  /** Every file read, in first-read order. */
  readonly files: string[];
  readonly fs: ComposeFileSystem;
  readonly cwd: string;
  /** The load's interpolation budget, shared with the .env files it reads (template.ts). */
  readonly budget: ExpansionBudget;
  /** Variable names the files' interpolation referred to. */
  readonly used: Set<string>;
}

export const createFileLoader = (fs: ComposeFileSystem, cwd: string, budget: ExpansionBudget = createExpansionBudget()): FileLoader => {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const parsedCache = new Map<string, LMap | undefined>();
  const loadedCache = new Map<string, { env: Readonly<Record<string, string>>; tree: LMap | undefined }>();
  const interpolated = new Set<string>();
  const used = new Set<string>();
  const parse: FileLoader["parse"] = ({ abs, baseDir, from }) => {
    const key = `${abs}\0${baseDir}`;
    if (parsedCache.has(key)) return parsedCache.get(key);
    const display = displayPath(abs, cwd);
    const text = fs.readFile(abs);
    if (text === undefined) {
      if (from) diagnostics.push(makeDiagnostic("fileNotFound", from.loc, from.path, `${from.what} file ${display} does not exist`, { got: display }));
      parsedCache.set(key, undefined);
      return undefined;
    }
    const firstTime = !files.includes(abs);
    if (firstTime) files.push(abs);
    if (text.length > maxInputLength) {
      if (firstTime) diagnostics.push(makeDiagnostic("inputLimit", { file: display }, "", tooLargeMessage("the compose file", text.length), { expected: "a compose file of at most 8 MiB" }));
      parsedCache.set(key, undefined);
      return undefined;
    }
    const parsed = parseComposeFile({ text, file: display, baseDir });
    if (firstTime) diagnostics.push(...parsed.diagnostics);
    parsedCache.set(key, parsed.root);
    return parsed.root;
  };
  return {
    diagnostics,
    files,
    fs,
    cwd,
    budget,
    used,
    parse,
    load({ abs, baseDir, env, from }) {
      const key = `${abs}\0${baseDir}`;
      const hit = loadedCache.get(key);
      if (hit && hit.env === env) return hit.tree;
      const raw = parse({ abs, baseDir, ...(from ? { from } : {}) });
      let tree = raw;
      if (raw) {
        const result = interpolate(raw, env, budget);
        for (const name of result.used) used.add(name);
        if (!interpolated.has(abs)) diagnostics.push(...result.diagnostics);
        interpolated.add(abs);
        tree = result.node;
      }
      loadedCache.set(key, { env, tree });
      return tree;
    },
  };
};
