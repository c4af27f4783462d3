import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PutEntry } from "../sync/sync-plan.js";
import { fillOnDisk } from "./disk-fill.js";

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "devloop-df-src-"));
  dir = path.join(mkdtempSync(path.join(tmpdir(), "devloop-df-dst-")), "volume");
  mkdirSync(dir);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
const file = (rel: string, mode = 0o644): PutEntry => ({ rel, kind: "file", mode, hash: "" });

describe("fillOnDisk", () => {
  it("writes files with their exact mode (the umask aside), directories, links; hashes what it read", async () => {
    mkdirSync(path.join(root, "a/b"), { recursive: true });
    writeFileSync(path.join(root, "a/b/x.sh"), "run", { mode: 0o750 });
    writeFileSync(path.join(root, "a/y.txt"), "why");
    const old = process.umask(0o077);
    try {
      const r = await fillOnDisk(dir, root, [
        { rel: "a", kind: "directory", mode: 0o775 },
        file("a/b/x.sh", 0o750),
        file("a/y.txt"),
        { rel: "a/link", kind: "symlink", target: "y.txt" },
        { rel: "empty", kind: "directory", mode: 0o755 },
      ]);
      expect(lstatSync(path.join(dir, "a")).mode & 0o7777).toBe(0o775);
      expect(lstatSync(path.join(dir, "a/b/x.sh")).mode & 0o7777).toBe(0o750);
      expect(lstatSync(path.join(dir, "a/y.txt")).mode & 0o7777).toBe(0o644);
      expect(readFileSync(path.join(dir, "a/link"), "utf8")).toBe("why");
      expect(readdirSync(path.join(dir, "empty"))).toEqual([]);
      expect(r.sent.get("a/b/x.sh")).toEqual({ kind: "file", hash: sha("run"), mode: 0o750, size: 3 });
      expect(r.sent.get("a/link")).toEqual({ kind: "symlink", target: "y.txt" });
      expect(r.bytes).toBe(6);
    } finally {
      process.umask(old);
    }
  });

  it("keeps the host file's modification time, never one later than the fill", async () => {
    writeFileSync(path.join(root, "old"), "o");
    writeFileSync(path.join(root, "future"), "f");
    utimesSync(path.join(root, "old"), new Date("2020-01-02T03:04:05Z"), new Date("2020-01-02T03:04:05Z"));
    utimesSync(path.join(root, "future"), new Date("2100-01-01T00:00:00Z"), new Date("2100-01-01T00:00:00Z"));
    const before = Date.now();
    await fillOnDisk(dir, root, [file("old"), file("future")]);
    expect(lstatSync(path.join(dir, "old")).mtime.toISOString()).toBe("2020-01-02T03:04:05.000Z");
    const future = lstatSync(path.join(dir, "future")).mtimeMs;
    expect(future).toBeGreaterThanOrEqual(before - 1);
    expect(future).toBeLessThanOrEqual(Date.now());
  });

  it("a file gone since the walk is not sent; a directory that is not empty is refused before anything is written", async () => {
    writeFileSync(path.join(root, "here"), "1");
    const r = await fillOnDisk(dir, root, [file("here"), file("gone")]);
    expect([...r.sent.keys()]).toEqual(["here"]);
    expect(readdirSync(dir)).toEqual(["here"]);
    await expect(fillOnDisk(dir, root, [file("here")])).rejects.toThrow(/not empty/);
  });

  it("never writes through a link: not under a symlink it made, not with a name that leaves the directory", async () => {
    const outside = mkdtempSync(path.join(tmpdir(), "devloop-df-out-"));
    try {
      writeFileSync(path.join(root, "f"), "x");
      await expect(fillOnDisk(dir, root, [{ rel: "l", kind: "symlink", target: outside }, file("l/f")])).rejects.toThrow(/under the symlink l/);
      expect(readdirSync(outside)).toEqual([]);
      rmSync(path.join(dir, "l"));
      await expect(fillOnDisk(dir, root, [file("../f")])).rejects.toThrow();
      expect(readdirSync(path.dirname(dir))).toEqual(["volume"]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
