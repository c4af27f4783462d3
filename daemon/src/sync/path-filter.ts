/**
 * Which paths under a watched root take part in syncing: .dockerignore, .gitignore, the rule's
 * `ignore` and `include`, and a few editor/VCS defaults. Pure: the caller reads the ignore files.
 *
 * Semantics:
 * - .gitignore and `ignore` patterns follow gitignore rules (a bare name matches at any depth).
 * - .dockerignore patterns are anchored at the root, as Docker does ("foo" is only /foo;
 *   use "** /foo" to match anywhere); `!` exceptions work.
 * - `include` (when non-empty) keeps only files that match one of its patterns; directories are
 *   always walked unless ignored, so `include: ["*.js"]` still finds src/a.js.
 */
import ignore from "ignore";

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

/** Docker's .dockerignore → gitignore syntax: anchored at the root. */
export const dockerignoreToGitignore = (lines: readonly string[]): string[] =>
  cleanLines(lines).map((line) => {
    const negated = line.startsWith("!");
    let pattern = negated ? line.slice(1).trim() : line;
    pattern = pattern.replace(/^(\.\/)+/, "").replace(/^\/+/, "");
    if (pattern === "" || pattern === ".") return "";
    return `${negated ? "!" : ""}/${pattern}`;
  }).filter((l) => l !== "");

export const createPathFilter = (params: PathFilterParams = {}): PathFilter => {
  const ig = ignore()
    .add([...(params.defaults ?? defaultIgnores)])
    .add(cleanLines(params.gitignore ?? []))
    .add(dockerignoreToGitignore(params.dockerignore ?? []))
    .add(cleanLines(params.ignore ?? []));
  const includes = cleanLines(params.include ?? []);
  const inc = includes.length > 0 ? ignore().add(includes) : undefined;
  return (rel, isDirectory) => {
    if (rel === "" || rel === ".") return true;
    if (ig.ignores(isDirectory ? `${rel}/` : rel)) return false;
    if (inc === undefined || isDirectory) return true;
    return inc.ignores(rel);
  };
};
