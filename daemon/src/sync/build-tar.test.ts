import { execFile } from "node:child_process";
import { lstat, mkdtemp, readFile, readlink, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extract } from "tar-stream";
import { buildTar } from "./build-tar.js";
import { hashContent } from "./hash-manifest.js";
import { syncCommand } from "./remote-commands.js";
import type { PutEntry } from "./sync-plan.js";

const run = promisify(execFile);
const file = (rel: string, text: string, mode = 0o644): PutEntry => ({ rel, kind: "file", content: Buffer.from(text), mode, hash: hashContent(Buffer.from(text)) });

/** Runs the remote command locally, exactly as the container would: stdin framed by length. */
const runLocally = async (cmd: string[], stdin?: Buffer): Promise<void> => {
  const [bin, ...args] = cmd;
  await new Promise<void>((resolve, reject) => {
    const child = execFile(bin ?? "sh", args, (err) => (err ? reject(new Error(err.message)) : resolve()));
    if (stdin) child.stdin?.write(stdin);
    // Like the WebSocket, keep stdin open a moment after the payload: head -c must not wait for EOF.
    setTimeout(() => child.stdin?.end(), 5_000).unref();
  });
};

let target: string;
beforeEach(async () => { target = await mkdtemp(path.join(tmpdir(), "devloop-tar-")); });
afterEach(async () => { await rm(target, { recursive: true, force: true }); });

describe("buildTar", () => {
  it("writes files with modes, symlinks and directories", async () => {
    const tar = await buildTar([file("a/b.txt", "hello"), file("run.sh", "#!/bin/sh", 0o755), { rel: "l", kind: "symlink", target: "a/b.txt" }, { rel: "empty", kind: "directory", mode: 0o750 }]);
    expect(tar.length % 512).toBe(0);
    const seen: { name: string; type: string | null | undefined; mode: number | undefined }[] = [];
    const ex = extract();
    await new Promise<void>((resolve, reject) => {
      ex.on("entry", (h, stream, next) => { seen.push({ name: h.name, type: h.type, mode: h.mode }); stream.on("end", next); stream.resume(); });
      ex.on("finish", resolve);
      ex.on("error", reject);
      ex.end(tar);
    });
    expect(seen).toEqual([
      { name: "empty", type: "directory", mode: 0o750 },
      { name: "a/b.txt", type: "file", mode: 0o644 },
      { name: "run.sh", type: "file", mode: 0o755 },
      { name: "l", type: "symlink", mode: 0o777 },
    ]);
  });

  it("refuses to archive an escaping path", async () => {
    await expect(buildTar([file("../x", "x")])).rejects.toThrow(/"\.\.\/x".*`\.\.`/);
  });
});

describe("syncCommand with the system's sh, head and tar", () => {
  it("deletes, then extracts exactly N bytes from a stdin that stays open", async () => {
    await mkdir(path.join(target, "old"), { recursive: true });
    await writeFile(path.join(target, "old/x"), "x");
    await writeFile(path.join(target, "-rf"), "tricky name");
    await writeFile(path.join(target, "keep"), "k");
    const tar = await buildTar([file("src/a.js", "A"), file("run.sh", "#!/bin/sh", 0o755), { rel: "l", kind: "symlink", target: "src/a.js" }]);
    const started = Date.now();
    // Trailing bytes after the archive prove head stops at N and does not wait for EOF.
    await runLocally(syncCommand(target, tar.length, ["old", "-rf", "never-existed"]), Buffer.concat([tar, Buffer.from("garbage")]));
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe("A");
    expect((await lstat(path.join(target, "run.sh"))).mode & 0o777).toBe(0o755);
    expect(await readlink(path.join(target, "l"))).toBe("src/a.js");
    await expect(lstat(path.join(target, "old"))).rejects.toThrow(/ENOENT/);
    await expect(lstat(path.join(target, "-rf"))).rejects.toThrow(/ENOENT/);
    expect(await readFile(path.join(target, "keep"), "utf8")).toBe("k");
  });

  it("extracts a gzipped archive when told so", async () => {
    const tar = gzipSync(await buildTar([file("z/a.txt", "zipped")]));
    await runLocally(syncCommand(target, tar.length, [], true), Buffer.concat([tar, Buffer.from("garbage")]));
    expect(await readFile(path.join(target, "z/a.txt"), "utf8")).toBe("zipped");
  });

  it("creates a missing target, and deletes only with no stdin", async () => {
    const nested = path.join(target, "deep/app");
    await runLocally(syncCommand(nested, 0, ["nothing"]));
    expect((await lstat(nested)).isDirectory()).toBe(true);
    const { stdout } = await run("sh", ["-c", "echo ok"]);
    expect(stdout).toBe("ok\n");
  });
});
