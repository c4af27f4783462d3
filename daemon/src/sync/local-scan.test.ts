import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashContent } from "./hash-manifest.js";
import { keepContentBytes, scanPaths, walkRoot } from "./local-scan.js";
import { createPathFilter } from "./path-filter.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "devloop-scan-"));
  await mkdir(path.join(root, "src"));
  await writeFile(path.join(root, "src/a.js"), "a");
  await writeFile(path.join(root, "run.sh"), "#!/bin/sh\n");
  await chmod(path.join(root, "run.sh"), 0o755);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("scanPaths", () => {
  it("reads files with content hash and mode, directories and missing paths", async () => {
    const obs = await scanPaths({ root, paths: [path.join(root, "src/a.js"), "run.sh", "src", "gone.txt", "src/a.js"] });
    expect(obs.map((o) => [o.rel, o.state.kind])).toEqual([["src/a.js", "file"], ["run.sh", "file"], ["src", "directory"], ["gone.txt", "missing"]]);
    const a = obs[0]?.state;
    expect(a?.kind === "file" && a.hash).toBe(hashContent(Buffer.from("a")));
    const sh = obs[1]?.state;
    expect(sh?.kind === "file" && sh.mode).toBe(0o755);
  });

  it("keeps the content of small files only: a big one is hashed by stream; read: false only lstat's", async () => {
    const big = Buffer.alloc(keepContentBytes + 10, 7);
    await writeFile(path.join(root, "big.bin"), big);
    const [small, large] = await scanPaths({ root, paths: ["src/a.js", "big.bin"] });
    expect(small?.state).toMatchObject({ kind: "file", size: 1, content: Buffer.from("a") });
    expect(large?.state).toEqual({ kind: "file", hash: hashContent(big), mode: 0o644, size: big.length });
    const [unread] = await scanPaths({ root, paths: ["big.bin"], read: false });
    expect(unread?.state).toEqual({ kind: "file", hash: "", mode: 0o644, size: big.length });
  });

  it("refuses a symlink to /etc, a symlinked parent leading outside, and paths outside the root", async () => {
    await symlink("/etc", path.join(root, "etc-link"));
    await symlink("/etc/hostname", path.join(root, "src/host"));
    const obs = await scanPaths({ root, paths: ["etc-link", "src/host", "etc-link/passwd", "/etc/passwd", "../x"] });
    expect(obs).toEqual([
      { rel: "etc-link", state: { kind: "refused", reason: "it is a symlink to /etc, which is outside the watched root" } },
      { rel: "src/host", state: { kind: "refused", reason: "it is a symlink to /etc/hostname, which is outside the watched root" } },
      { rel: "etc-link/passwd", state: { kind: "refused", reason: "a parent directory is a symlink that leads outside the watched root (to /etc)" } },
      { rel: "/etc/passwd", state: { kind: "refused", reason: `the path is outside the watched root ${root}` } },
      { rel: "../x", state: { kind: "refused", reason: `the path is outside the watched root ${root}` } },
    ]);
  });

  it("keeps symlinks inside the root, always as relative links", async () => {
    await symlink("src/a.js", path.join(root, "rel-link"));
    await symlink(path.join(root, "src/a.js"), path.join(root, "src/abs-link"));
    const obs = await scanPaths({ root, paths: ["rel-link", "src/abs-link"] });
    expect(obs).toEqual([
      { rel: "rel-link", state: { kind: "symlink", target: "src/a.js" } },
      { rel: "src/abs-link", state: { kind: "symlink", target: "a.js" } },
    ]);
  });

  it("drops paths the filter excludes, including under an ignored directory", async () => {
    await mkdir(path.join(root, "node_modules/x"), { recursive: true });
    await writeFile(path.join(root, "node_modules/x/i.js"), "x");
    const filter = createPathFilter({ gitignore: ["node_modules/"] });
    const obs = await scanPaths({ root, paths: ["node_modules/x/i.js", "src/a.js", "node_modules/gone.js"], filter });
    expect(obs.map((o) => o.rel)).toEqual(["src/a.js"]);
  });
});

describe("walkRoot", () => {
  it("lists files and symlinks, not descending ignored directories or following links", async () => {
    await mkdir(path.join(root, ".git"));
    await writeFile(path.join(root, ".git/HEAD"), "x");
    await symlink("/etc", path.join(root, "etc-link"));
    expect(await walkRoot(root, createPathFilter())).toEqual(["etc-link", "run.sh", "src/a.js"]);
  });

  it("with emptyDirs, also lists the directories nothing (that passes the filter) is in, never the root or `under`", async () => {
    await mkdir(path.join(root, "empty/deeper"), { recursive: true });
    await mkdir(path.join(root, "only-ignored"));
    await writeFile(path.join(root, "only-ignored/x.swp"), "x");
    expect(await walkRoot(root, createPathFilter(), "", true)).toEqual(["empty/deeper", "only-ignored", "run.sh", "src/a.js"]);
    expect(await walkRoot(root, createPathFilter(), "empty/deeper", true)).toEqual([]);
    expect(await walkRoot(root, createPathFilter())).toEqual(["run.sh", "src/a.js"]);
  });
});

describe("a root that does not exist (a bind of a directory not created yet)", () => {
  it("holds nothing: the walk is empty and every path is missing", async () => {
    const root = path.join(tmpdir(), `devloop-missing-${process.pid}-${Date.now()}`);
    expect(await walkRoot(root)).toEqual([]);
    expect(await scanPaths({ root, paths: ["a.txt"] })).toEqual([{ rel: "a.txt", state: { kind: "missing" } }]);
  });
});
