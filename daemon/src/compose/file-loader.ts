/**
 * Reads, parses and interpolates one compose file (stages 1 and 2), caching by path, base directory and environment.
 * Shared by the main files, extends and include so no file is parsed twice.
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import { displayPath } from "./discover.js";
import { interpolate } from "./interpolate.js";
import type { LMap, Loc } from "./located.js";
import { parseComposeFile } from "./parse.js";
import { makeDiagnostic } from "./report.js";
import type { ComposeFileSystem } from "./types.js";

export interface FileLoader {
  /** Loads a file; undefined (with diagnostics recorded) when it is missing or unusable. `from` locates the reference. */
  load(params: { abs: string; baseDir: string; env: Readonly<Record<string, string>>; from?: { loc: Loc; path: string; what: string } }): LMap | undefined;
  readonly diagnostics: Diagnostic[];
  /** Every file loaded, in first-load order. */
  readonly files: string[];
  readonly fs: ComposeFileSystem;
  readonly cwd: string;
}

export const createFileLoader = (fs: ComposeFileSystem, cwd: string): FileLoader => {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const cache = new Map<string, { env: Readonly<Record<string, string>>; tree: LMap | undefined }>();
  return {
    diagnostics,
    files,
    fs,
    cwd,
    load({ abs, baseDir, env, from }) {
      const cacheKey = `${abs}\0${baseDir}`;
      const hit = cache.get(cacheKey);
      if (hit && hit.env === env) return hit.tree;
      const display = displayPath(abs, cwd);
      const text = fs.readFile(abs);
      if (text === undefined) {
        if (from) {
          diagnostics.push(makeDiagnostic("fileNotFound", from.loc, from.path, `${from.what} file ${display} does not exist`, { got: display }));
        }
        cache.set(cacheKey, { env, tree: undefined });
        return undefined;
      }
      const firstTime = !files.includes(abs);
      if (firstTime) files.push(abs);
      const parsed = parseComposeFile({ text, file: display, baseDir });
      if (firstTime || !hit) diagnostics.push(...parsed.diagnostics);
      let tree = parsed.root;
      if (tree) {
        const result = interpolate(tree, env);
        if (firstTime || !hit) diagnostics.push(...result.diagnostics);
        tree = result.node;
      }
      cache.set(cacheKey, { env, tree });
      return tree;
    },
  };
};
