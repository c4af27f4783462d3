/**
 * Which paths under a watched root take part in syncing: .dockerignore, .gitignore, the rule's
 * `ignore` and `include`, and a few editor/VCS defaults. Pure: the caller reads the ignore files.
 *
 * Semantics:
 * - .gitignore patterns (and the editor/VCS defaults) follow gitignore rules (a bare name matches at any depth).
 * - .dockerignore and the rule's `ignore` patterns follow Docker's .dockerignore rules (image/docker-ignore.ts,
 *   moby's matcher), as the Compose spec says of develop.watch ignore: anchored at the watched root ("foo" is only
 *   <root>/foo; use "** /foo" to match anywhere), a pattern on a directory covers what is under it, `!` re-includes
 *   (also under an excluded directory whose path the `!` pattern starts with), last match wins.
 * - `include` (when non-empty) keeps only files that match one of its patterns; directories are
 *   always walked unless ignored, so `include: ["*.js"]` still finds src/a.js.
 */
import ignore from "ignore";
import { createDockerIgnore } from "../image/docker-ignore.js";
import type { DockerIgnore } from "../image/docker-ignore.js";

export const defaultIgnores: readonly string[] = [".git/", "*.swp", "*.swx", "*~", ".#*", "4913", ".DS_Store"];

export interface PathFilterParams {
  /** Lines of the root's .gitignore (empty when there is none). */
  readonly gitignore?: readonly string[];
  /** Lines of the build context's .dockerignore (empty when there is none). */
  readonly dockerignore?: readonly string[];
  /** develop.watch[].ignore */
  readonly ignore?: readonly string[];
  /** develop.watch[].include */
  readonly include?: readonly string[];
  /** Defaults to defaultIgnores. */
  readonly defaults?: readonly string[];
}

/** rel: root-relative POSIX path. Returns true when the path takes part in syncing. */
export type PathFilter = (rel: string, isDirectory: boolean) => boolean;

const cleanLines = (lines: readonly string[]): string[] =>
  lines.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));

/** A directory is left out when excluded and no `!` pattern reaches under it; a file when excluded. */
const excludedBy = (rules: DockerIgnore, rel: string, isDirectory: boolean): boolean =>
  rules.ignores(rel) && (!isDirectory || rules.canSkipDir(rel));

export const createPathFilter = (params: PathFilterParams = {}): PathFilter => {
  const ig = ignore()
    .add([...(params.defaults ?? defaultIgnores)])
    .add(cleanLines(params.gitignore ?? []));
  const docker = [params.dockerignore ?? [], params.ignore ?? []].filter((lines) => lines.length > 0).map((lines) => createDockerIgnore(lines.join("\n")));
  const includes = cleanLines(params.include ?? []);
  const inc = includes.length > 0 ? ignore().add(includes) : undefined;
  return (rel, isDirectory) => {
    if (rel === "" || rel === ".") return true;
    if (ig.ignores(isDirectory ? `${rel}/` : rel)) return false;
    if (docker.some((rules) => excludedBy(rules, rel, isDirectory))) return false;
    if (inc === undefined || isDirectory) return true;
    return inc.ignores(rel);
  };
};
