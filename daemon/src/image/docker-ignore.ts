/**
 * .dockerignore as Docker reads it: a port of moby's patternmatcher (github.com/moby/patternmatcher,
 * `MatchesOrParentMatches`) and of the CLI's dockerignore.ReadAll, not gitignore rules.
 *
 * - Every pattern is matched from the context root ("*.pem" excludes only top-level .pem files; "**\/*.pem"
 *   excludes them anywhere). A leading "/" or "./" is dropped; patterns are path.Clean-ed ("a/../b" is "b").
 * - `*` and `?` never cross "/"; `**` matches any number of directories, zero included; `[a-z]` classes; `\`
 *   escapes the next character.
 * - A pattern that matches a parent directory matches everything under it ("assets" excludes assets/x/y).
 * - Patterns apply in order and the last one that matches decides, so "!assets/keep.txt" after "assets" re-includes
 *   that file even though its directory is excluded (gitignore would keep it out).
 * Equivalence with moby is tested on a table of cases taken from its patternmatcher tests and Docker's docs
 * (docker-ignore.test.ts).
 */
import path from "node:path";

export interface DockerIgnore {
  /** Is this context-relative POSIX path excluded? A trailing "/" (directory) is ignored, as Docker does. */
  ignores(relativePath: string): boolean;
  /** Whether any pattern re-includes (!…): then an excluded directory must still be walked. */
  readonly hasNegations: boolean;
  /**
   * Whether the walker may skip this excluded directory: no `!` pattern could re-include anything under it
   * (the rule of fsutil's walker, which BuildKit uses to send the context).
   */
  canSkipDir(relativeDir: string): boolean;
}

interface CompiledPattern {
  readonly exclusion: boolean;
  readonly regex: RegExp;
  /** The cleaned pattern without "!". */
  readonly source: string;
}

const ESCAPE = new Set([".", "+", "(", ")", "|", "{", "}", "$"]);

/** moby patternmatcher Pattern.compile, for "/" as the separator. */
const compile = (pattern: string): RegExp => {
  let re = "^";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? "";
    if (ch === "*") {
      if (chars[i + 1] === "*") {
        i++;
        if (chars[i + 1] === "/") i++;
        re += i + 1 >= chars.length ? ".*" : "(.*/)?";
      } else re += "[^/]*";
    } else if (ch === "?") re += "[^/]";
    else if (ESCAPE.has(ch)) re += `\\${ch}`;
    else if (ch === "\\") {
      const next = chars[i + 1];
      if (next !== undefined) {
        re += `\\${next}`;
        i++;
      } else re += "\\\\";
    } else if (ch === "[" || ch === "]") re += ch;
    else re += ch;
  }
  re += "$";
  try {
    return new RegExp(re);
  } catch {
    // A malformed class such as "[" matches nothing (Docker refuses the file with "syntax error in pattern").
    return /(?!)/;
  }
};

/** dockerignore.ReadAll: trim, drop comments and empty lines, clean, strip a leading "/". */
export const readDockerIgnorePatterns = (content: string | undefined): string[] => {
  const out: string[] = [];
  for (const [index, raw] of (content ?? "").split(/\r?\n/).entries()) {
    let line = (index === 0 ? raw.replace(/^\uFEFF/, "") : raw).trim();
    if (line === "" || line.startsWith("#")) continue;
    const invert = line.startsWith("!");
    if (invert) line = line.slice(1).trim();
    if (line.length > 0) {
      line = path.posix.normalize(line);
      if (line.length > 1 && line.endsWith("/")) line = line.slice(0, -1);
      if (line.length > 1 && line.startsWith("/")) line = line.slice(1);
      if (line.startsWith("./")) line = line.slice(2);
    }
    out.push(invert ? `!${line}` : line);
  }
  return out;
};

const compilePatterns = (patterns: readonly string[]): CompiledPattern[] =>
  patterns.flatMap((raw) => {
    let p = raw.trim();
    if (p === "") return [];
    const exclusion = p.startsWith("!");
    if (exclusion) p = p.slice(1);
    if (p === "") return [];
    return [{ exclusion, regex: compile(p), source: p }];
  });

/** MatchesOrParentMatches: the last pattern matching the path or one of its parent directories decides. */
const matches = (patterns: readonly CompiledPattern[], file: string): boolean => {
  const parts = file.split("/");
  const parents = parts.slice(0, -1);
  let matched = false;
  for (const pattern of patterns) {
    // An exclusion only matters once something matched; an inclusion only while nothing has.
    if (pattern.exclusion !== matched) continue;
    let match = pattern.regex.test(file);
    for (let i = 0; !match && i < parents.length; i++) match = pattern.regex.test(parents.slice(0, i + 1).join("/"));
    if (match) matched = !pattern.exclusion;
  }
  return matched;
};

const normalisePath = (rel: string): string => rel.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/^\/+/, "").replace(/\/+$/, "");

export const createDockerIgnore = (content: string | undefined): DockerIgnore => {
  const patterns = compilePatterns(readDockerIgnorePatterns(content));
  const hasNegations = patterns.some((p) => p.exclusion);
  return {
    ignores: (relativePath) => {
      const rel = normalisePath(relativePath);
      return rel !== "" && rel !== "." && matches(patterns, rel);
    },
    hasNegations,
    canSkipDir: (relativeDir) => {
      // moby's archive.TarWithOptions and fsutil's walker: an excluded directory is walked only when a `!` pattern
      // starts with its path ("!assets/keep.txt" for assets); "!**/keep.txt" does not bring files back from it.
      const dirSlash = `${normalisePath(relativeDir)}/`;
      return !patterns.some((p) => p.exclusion && `${p.source}/`.startsWith(dirSlash));
    },
  };
};

/** Which ignore file a build uses: "<Dockerfile>.dockerignore" beside the Dockerfile wins over the context's ".dockerignore". */
export const dockerIgnoreCandidates = (dockerfile: string | undefined): string[] =>
  dockerfile === undefined || dockerfile === "-" ? [".dockerignore"] : [`${dockerfile}.dockerignore`, ".dockerignore"];
