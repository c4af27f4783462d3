/**
 * Which files of a build context go to the Docker engine, as Docker decides it: .dockerignore rules (anchored at the
 * context root, `!` re-includes, last match wins), and the Dockerfile and .dockerignore always sent even when
 * ignored (the engine reads them; classic docker build does the same). Pure: the walk is given as a list.
 */
import { createDockerIgnore } from "../doctor/docker-ignore.js";

export type ContextEntryKind = "file" | "dir" | "symlink";

export interface ContextEntry {
  /** POSIX path relative to the context root, no leading "./". */
  readonly path: string;
  readonly kind: ContextEntryKind;
}

export const DOCKERIGNORE = ".dockerignore";

const normalise = (rel: string): string => rel.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/+$/, "");

/** Keeps the entries Docker would send. `dockerignore` is the file's text (undefined = no file). */
export const selectContextEntries = (
  entries: readonly ContextEntry[],
  dockerignore: string | undefined,
  dockerfile: string,
): ContextEntry[] => {
  const rules = createDockerIgnore(dockerignore);
  const always = new Set([normalise(dockerfile), DOCKERIGNORE]);
  return entries
    .filter((entry) => always.has(entry.path) || !rules.ignores(entry.kind === "dir" ? `${entry.path}/` : entry.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

/** Whether the walker must descend into an ignored directory (a `!` rule may re-include something under it). */
export const mustWalkIgnoredDirs = (dockerignore: string | undefined): boolean => createDockerIgnore(dockerignore).hasNegations;

/** Directory test for the walker: skip a directory only when nothing under it can come back. */
export const createContextDirFilter = (dockerignore: string | undefined): ((rel: string) => boolean) => {
  const rules = createDockerIgnore(dockerignore);
  return (rel) => rules.hasNegations || !rules.ignores(`${normalise(rel)}/`);
};
