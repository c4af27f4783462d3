import { describe, expect, it } from "vitest";
import { createDockerIgnore, readDockerIgnorePatterns } from "./docker-ignore.js";

/**
 * [patterns, path, excluded]. Single-pattern rows are moby's patternmatcher TestMatches table
 * (github.com/moby/patternmatcher, patternmatcher_test.go); multi-pattern rows are the examples of Docker's
 * .dockerignore documentation (docs.docker.com/build/concepts/context/#dockerignore-files) and moby's
 * TestPatternMatchesFolderExclusions / exclusion cases.
 */
const table: ReadonlyArray<readonly [string, string, boolean]> = [
  ["**", "file", true],
  ["**", "dir/file", true],
  ["**/", "dir/file", true],
  ["**/**", "dir/file", true],
  ["dir/**", "dir/file", true],
  ["dir/**", "dir/dir2/file", true],
  ["**/dir", "dir", true],
  ["**/dir", "dir/file", true],
  ["**/dir2/*", "dir/dir2/file", true],
  ["**/dir2/**", "dir/dir2/dir3/file", true],
  ["**file", "file", true],
  ["**file", "dir/file", true],
  ["**/file", "dir/file", true],
  ["**file", "dir/dir/file", true],
  ["**/file*", "dir/dir/file.txt", true],
  ["**/file*txt", "dir/dir/file.txt", true],
  ["**/**/*.txt", "dir/dir/file.txt", true],
  ["**/**/*.txt2", "dir/dir/file.txt", false],
  ["**/*.txt", "file.txt", true],
  ["**/**/*.txt", "file.txt", true],
  ["a**/*.txt", "a/file.txt", true],
  ["a**/*.txt", "a/dir/file.txt", true],
  ["a**/*.txt", "a/dir/dir/file.txt", true],
  ["a/*.txt", "a/dir/file.txt", false],
  ["a/*.txt", "a/file.txt", true],
  ["a/*.txt**", "a/file.txt", true],
  ["a[b-d]e", "ae", false],
  ["a[b-d]e", "ace", true],
  ["a[b-d]e", "aae", false],
  ["a[^b-d]e", "aze", true],
  [".*", ".foo", true],
  [".*", "foo", false],
  ["abc.def", "abcdef", false],
  ["abc.def", "abc.def", true],
  ["abc.def", "abcZdef", false],
  ["abc?def", "abcZdef", true],
  ["abc?def", "abcdef", false],
  ["**/foo/bar", "foo/bar", true],
  ["**/foo/bar", "dir/foo/bar", true],
  ["**/foo/bar", "dir/dir2/foo/bar", true],
  ["abc/**", "abc", false],
  ["abc/**", "abc/def", true],
  ["abc/**", "abc/def/ghi", true],
  ["**/.foo", ".foo", true],
  ["**/.foo", "bar.foo", false],
  ["a(b)c/def", "a(b)c/def", true],
  ["a(b)c/def", "a(b)c/xyz", false],
  ["a.|)$(}+{bc", "a.|)$(}+{bc", true],
  ["dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true],
  // Anchored at the root, not gitignore's "any depth".
  ["*.pem", "cert.pem", true],
  ["*.pem", "sub/cert.pem", false],
  ["build", "src/build/x", false],
  // A pattern on a directory covers what is under it; leading "/" and "./" are dropped; patterns are cleaned.
  ["build", "build/out/x.js", true],
  ["/build", "build/out.js", true],
  ["./tmp/", "tmp/a", true],
  ["a/../b", "b/x", true],
  ["a/../b", "a/b", false],
  // Docker docs: */temp*, */*/temp*, temp?
  ["*/temp*", "somedir/temporary.txt", true],
  ["*/temp*", "somedir/temp", true],
  ["*/temp*", "temp", false],
  ["*/*/temp*", "somedir/subdir/temporary.txt", true],
  ["*/*/temp*", "somedir/temporary.txt", false],
  ["temp?", "tempa", true],
  ["temp?", "tempab", false],
  // Docker docs: exceptions, last match wins.
  ["*.md\n!README*.md\nREADME-secret.md", "README.md", false],
  ["*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true],
  ["*.md\n!README*.md\nREADME-secret.md", "CHANGES.md", true],
  ["*.md\nREADME-secret.md\n!README*.md", "README-secret.md", false],
  // Re-include under an excluded directory (the case; gitignore would keep keep.txt out).
  ["assets\n!assets/keep.txt", "assets/keep.txt", false],
  ["assets\n!assets/keep.txt", "assets/a.txt", true],
  ["assets\n!assets/keep.txt", "assets/sub/s.txt", true],
  ["*\n!go.mod\n!*.go", "main.go", false],
  ["*\n!go.mod\n!*.go", ".env", true],
  ["docs\n!docs/README.md\ndocs/*.md", "docs/README.md", true],
  // Comments, blank lines and a lone "!" are not patterns.
  ["# comment\n\n!\nsecret", "# comment", false],
  ["# comment\n\n!\nsecret", "secret", true],
];

describe("createDockerIgnore (moby's patternmatcher)", () => {
  it("has a table of at least 30 cases", () => expect(table.length).toBeGreaterThanOrEqual(30));
  it.each(table)("%j excludes %j: %s", (patterns, file, excluded) => {
    expect(createDockerIgnore(patterns).ignores(file)).toBe(excluded);
  });

  it("walks an excluded directory only when a ! pattern starts with its path (moby's archive and fsutil rule)", () => {
    const keep = createDockerIgnore("assets\n!assets/keep.txt\n");
    expect(keep.canSkipDir("assets")).toBe(false);
    expect(keep.canSkipDir("assets/sub")).toBe(true);
    // Measured with Docker 20.10 + BuildKit: "!**/keep.txt" does not bring assets/keep.txt back.
    expect(createDockerIgnore("assets\n!**/keep.txt\n").canSkipDir("assets")).toBe(true);
    expect(createDockerIgnore("assets\n").canSkipDir("assets")).toBe(true);
  });

  it("reads the file as the docker CLI does (BOM, trim, clean, leading / dropped)", () => {
    expect(readDockerIgnorePatterns("\uFEFF/a/\n  ! ./b  \n# c\n\nx/./y\n")).toEqual(["a", "!b", "x/y"]);
  });

  it("excludes nothing without a file", () => {
    expect(createDockerIgnore(undefined).ignores("anything")).toBe(false);
  });
});
