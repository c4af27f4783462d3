/**
 * Which files of a build context BuildKit receives, as Docker decides it (image/docker-ignore.ts is moby's matcher):
 * the ignore file is "<Dockerfile>.dockerignore" when it exists, else ".dockerignore"; a path is sent when no
 * pattern (or the last matching `!` pattern) keeps it, and an excluded directory is walked only when a `!` pattern
 * starts with its path (moby's rule: "!**\/keep.txt" does not bring files back out of an excluded directory; such a
 * walked directory is sent itself, even empty). The Dockerfile is always part of the plan: BuildKit receives it
 * separately and it decides the build, so it is hashed even when ignored. Pure: the walk is given as a list.
 */
import { createDockerIgnore, dockerIgnoreCandidates } from "../image/docker-ignore.js";

export type ContextEntryKind = "file" | "dir" | "symlink";

export interface ContextEntry {
  /** POSIX path relative to the context root, no leading "./". */
  readonly path: string;
  readonly kind: ContextEntryKind;
}

/** The ignore files to try, in order, for a context-relative Dockerfile (undefined: inline Dockerfile). */
export const ignoreFileCandidates = (dockerfile: string | undefined): string[] => dockerIgnoreCandidates(dockerfile === undefined ? undefined : normalise(dockerfile));

const normalise = (rel: string): string => rel.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/+$/, "");

const parentsOf = (rel: string): string[] => {
  const parts = rel.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
};

/** Keeps the entries Docker would send. `dockerignore` is the ignore file's text (undefined = no file). */
export const selectContextEntries = (
  entries: readonly ContextEntry[],
  dockerignore: string | undefined,
  dockerfile: string,
): ContextEntry[] => {
  const rules = createDockerIgnore(dockerignore);
  const dockerfilePath = normalise(dockerfile);
  const walked = new Map<string, boolean>();
  const isWalked = (dir: string): boolean => {
    let known = walked.get(dir);
    if (known === undefined) {
      known = !rules.ignores(dir) || !rules.canSkipDir(dir);
      walked.set(dir, known);
    }
    return known;
  };
  return entries
    .filter((entry) => {
      if (entry.path === dockerfilePath) return true;
      if (!parentsOf(entry.path).every(isWalked)) return false;
      return entry.kind === "dir" ? isWalked(entry.path) : !rules.ignores(entry.path);
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

/** Directory test for the walker: descend unless the directory is excluded and no `!` pattern reaches under it. */
export const createContextDirFilter = (dockerignore: string | undefined): ((rel: string) => boolean) => {
  const rules = createDockerIgnore(dockerignore);
  return (rel) => !rules.ignores(normalise(rel)) || !rules.canSkipDir(normalise(rel));
};
