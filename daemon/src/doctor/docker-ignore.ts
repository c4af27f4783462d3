/**
 * .dockerignore semantics on top of the `ignore` package (gitignore rules). Docker matches every pattern
 * from the context root (`*.pem` excludes only top-level .pem files; `**\/*.pem` excludes them anywhere),
 * so each pattern is anchored with a leading "/" before gitignore sees it; `!` re-includes, last match wins.
 */
import ignore from "ignore";

export interface DockerIgnore {
  /** Is this context-relative POSIX path excluded? Directories may end with "/". */
  ignores(relativePath: string): boolean;
  /** Whether any pattern re-includes (!…): then an excluded directory must still be walked. */
  readonly hasNegations: boolean;
}

const cleanPattern = (pattern: string): string => {
  let cleaned = pattern.replace(/\\/g, "/");
  while (cleaned.startsWith("./") || cleaned.startsWith("/")) cleaned = cleaned.startsWith("./") ? cleaned.slice(2) : cleaned.slice(1);
  return cleaned.replace(/\/+$/, "");
};

export const createDockerIgnore = (content: string | undefined): DockerIgnore => {
  const matcher = ignore();
  let hasNegations = false;
  for (const line of (content ?? "").split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const negated = trimmed.startsWith("!");
    const pattern = cleanPattern(negated ? trimmed.slice(1).trim() : trimmed);
    if (pattern === "" || pattern === ".") continue;
    hasNegations ||= negated;
    matcher.add(`${negated ? "!" : ""}/${pattern}`);
  }
  return {
    ignores: (relativePath) => relativePath !== "" && relativePath !== "/" && matcher.ignores(relativePath),
    hasNegations,
  };
};
