/**
 * The one port a project load reads through: the compose files, .env and env files, secret/config and bind-mounted
 * files, the Dockerfiles translate takes a HEALTHCHECK from. The CLI and the daemon hand in the disk
 * (node-project-files.ts); tests hand in memory or a counting spy.
 */
import type { ComposeFileSystem } from "../compose/types.js";

export interface ProjectFiles extends ComposeFileSystem {
  /** True when the path is a regular file (a bind source that is a file becomes a Secret; a watch path that is one syncs one file). */
  isFile(path: string): boolean;
}

export interface OnceEachFiles extends ProjectFiles {
  /** Absolute paths read with content, in first-read order. */
  readonly read: () => readonly string[];
}

/**
 * Each path asked of `files` at most once per question, for one load: the compose loader, the whole-file load that
 * finds one-shot services and the translator's inputs then see the same bytes, and a file is read from disk once.
 */
export const onceEach = (files: ProjectFiles): OnceEachFiles => {
  const texts = new Map<string, string | undefined>();
  const exists = new Map<string, boolean>();
  const isFile = new Map<string, boolean>();
  const read = new Set<string>();
  const memo = <T>(cache: Map<string, T>, path: string, ask: () => T): T => {
    if (cache.has(path)) return cache.get(path) as T;
    const value = ask();
    cache.set(path, value);
    return value;
  };
  return {
    readFile(path) {
      const text = memo(texts, path, () => files.readFile(path));
      if (text !== undefined) read.add(path);
      return text;
    },
    exists: (path) => memo(exists, path, () => files.exists(path)),
    isFile: (path) => memo(isFile, path, () => files.isFile(path)),
    read: () => [...read],
  };
};
