import { execFile } from "node:child_process";
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extract } from "tar-stream";
import { encodeRenames, planStaging } from "./atomic-replace.js";
import { buildRecords, buildTar } from "./build-tar.js";
import { hashContent } from "./hash-manifest.js";
import { listCommand, syncCommand } from "./remote-commands.js";
import { tarExtent } from "./session-protocol.js";
import { tarRecord } from "./tar-header.js";
import type { PutEntry } from "./sync-plan.js";

const run = promisify(execFile);
const file = (rel: string, text: string, mode = 0o644): PutEntry => ({ rel, kind: "file", content: Buffer.from(text), mode, hash: hashContent(Buffer.from(text)) });

/** The records of a batch (buildRecords), never undefined here. */
const records = (puts: PutEntry[], staged?: ReadonlyMap<string, string>): Buffer => buildRecords(puts, staged) ?? Buffer.alloc(0);

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

  it("names staged files by their staged name, leaving links and directories alone", async () => {
    const puts: PutEntry[] = [file("a/b.txt", "hello"), { rel: "l", kind: "symlink", target: "a/b.txt" }, { rel: "d", kind: "directory", mode: 0o755 }];
    const staged = planStaging(puts);
    const tar = await buildTar(puts, undefined, staged);
    const names: string[] = [];
    const ex = extract();
    await new Promise<void>((resolve, reject) => {
      ex.on("entry", (h, stream, next) => { names.push(h.name); stream.on("end", next); stream.resume(); });
      ex.on("finish", resolve);
      ex.on("error", reject);
      ex.end(tar);
    });
    expect(names).toEqual(["d", staged.get("a/b.txt"), "l"]);
    expect(staged.get("a/b.txt")).toMatch(/^\.devloop-[0-9a-f]{8}-0\.devloop-tmp$/);
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
    const tar = records([file("src/a.js", "A"), file("run.sh", "#!/bin/sh", 0o755), { rel: "l", kind: "symlink", target: "src/a.js" }]);
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

  it("pads a directory's archive of 10 KiB or more to whole tar records (what tar -b 20 reads), a smaller one not", async () => {
    const puts: PutEntry[] = [...Array.from({ length: 12 }, (_, i) => file(`big/f${i}.txt`, `file ${i}`)), file("small/one.txt", "one")];
    const payload = records(puts);
    const groups: { dir: string; length: number; extent: number | undefined }[] = [];
    for (let at = 0; payload.subarray(at, at + 2).toString() !== "e\n";) {
      const eol = payload.indexOf(0x0a, at);
      const [, bytes, dir] = /^[tT] (\d+) (.*)$/.exec(payload.subarray(at, eol).toString()) ?? [];
      const length = Number(bytes);
      groups.push({ dir: dir ?? "?", length, extent: tarExtent(payload.subarray(eol + 1, eol + 1 + length)) });
      at = eol + 1 + length;
    }
    // 12 files of one block each: 12 headers, 12 blocks, 2 end blocks = 13,312 bytes, padded to 20,480.
    expect(groups).toEqual([{ dir: "big", length: 2 * tarRecord, extent: 26 * 512 }, { dir: "small", length: 2048, extent: 2048 }]);
    await runLocally(syncCommand(target, payload.length, []), payload);
    expect(await readFile(path.join(target, "big/f11.txt"), "utf8")).toBe("file 11");
    expect(await readFile(path.join(target, "small/one.txt"), "utf8")).toBe("one");
  });

  it("makes a batch's directories, parents first, one mkdir per parent and mode; a link where one goes is replaced", async () => {
    const dirs: PutEntry[] = [{ rel: "a/c", kind: "directory", mode: 0o700 }, { rel: "a/b", kind: "directory", mode: 0o755 }, { rel: "a", kind: "directory", mode: 0o755 }, { rel: "a/d", kind: "directory", mode: 0o755 }, { rel: "x", kind: "directory", mode: 0o750 }];
    const payload = records(dirs);
    expect(payload.toString()).toBe("d 750 x\nd 755 a\nd 700 a/c\nd 755 a/b\nd 755 a/d\ne\n");
    await mkdir(path.join(target, "a"));
    await symlink(tmpdir(), path.join(target, "a/d"));
    await runLocally(syncCommand(target, payload.length, []), payload);
    for (const [rel, mode] of [["a/b", 0o755], ["a/c", 0o700], ["a/d", 0o755], ["x", 0o750]] as const) {
      const st = await lstat(path.join(target, rel));
      expect(st.isDirectory(), rel).toBe(true);
      expect(st.mode & 0o777, rel).toBe(mode);
    }
  });

  it("extracts a gzipped archive when told so", async () => {
    const tar = gzipSync(records([file("z/a.txt", "zipped")]));
    await runLocally(syncCommand(target, tar.length, [], true), Buffer.concat([tar, Buffer.from("garbage")]));
    expect(await readFile(path.join(target, "z/a.txt"), "utf8")).toBe("zipped");
  });

  it("with staged files: deletes, extracts, renames over the targets (new inode), stdin = renames then tar", async () => {
    await writeFile(path.join(target, "a.js"), "old");
    await writeFile(path.join(target, "gone"), "x");
    const before = await stat(path.join(target, "a.js"));
    const puts: PutEntry[] = [file("a.js", "new"), file("sub/dir/b.js", "B", 0o755), { rel: "l", kind: "symlink", target: "a.js" }];
    const staged = planStaging(puts);
    const renames = encodeRenames(staged);
    const tar = records(puts, staged);
    await runLocally(syncCommand(target, tar.length, ["gone"], false, renames.count), Buffer.concat([renames.bytes, tar, Buffer.from("garbage")]));
    expect(await readFile(path.join(target, "a.js"), "utf8")).toBe("new");
    expect((await stat(path.join(target, "a.js"))).ino).not.toBe(before.ino);
    expect((await stat(path.join(target, "sub/dir/b.js"))).mode & 0o777).toBe(0o755);
    expect(await readlink(path.join(target, "l"))).toBe("a.js");
    expect((await readdir(target, { recursive: true })).map(String).sort()).toEqual(["a.js", "l", "sub", "sub/dir", "sub/dir/b.js"]);

    // Gzipped, same.
    const zs = planStaging([file("a.js", "zipped")]);
    const z = gzipSync(records([file("a.js", "zipped")], zs));
    const r = encodeRenames(zs);
    await runLocally(syncCommand(target, z.length, [], true, r.count), Buffer.concat([r.bytes, z]));
    expect(await readFile(path.join(target, "a.js"), "utf8")).toBe("zipped");
  });

  it("with staged files, a failed extract exits non-zero, renames nothing and removes what it staged", async () => {
    await writeFile(path.join(target, "a.js"), "old a");
    const puts: PutEntry[] = [file("a.js", "new a"), file("b.js", "B".repeat(4000))];
    const staged = planStaging(puts);
    const renames = encodeRenames(staged);
    const whole = await buildTar(puts, undefined, staged);
    const cutTar = Buffer.concat([whole.subarray(0, 512 * 4), Buffer.alloc(512 * 2)]);
    const cut = Buffer.concat([Buffer.from(`T ${cutTar.length} \n`), cutTar, Buffer.from("e\n")]);
    await expect(runLocally(syncCommand(target, cut.length, [], false, renames.count), Buffer.concat([renames.bytes, cut]))).rejects.toThrow();
    expect(await readFile(path.join(target, "a.js"), "utf8")).toBe("old a");
    expect((await readdir(target)).sort()).toEqual(["a.js"]);
  });

  it("the listing removes and skips staged files left behind", async () => {
    await mkdir(path.join(target, "d"));
    await writeFile(path.join(target, "d/a.js"), "a");
    await writeFile(path.join(target, "d/.a.js.devloop-tmp"), "half");
    await writeFile(path.join(target, ".b.devloop-tmp"), "half");
    const [bin, ...args] = listCommand(target);
    const { stdout } = await run(bin ?? "sh", args);
    expect(stdout).toBe(`${hashContent(Buffer.from("a"))}  ./d/a.js\n`);
    expect((await readdir(target, { recursive: true })).map(String).sort()).toEqual(["d", "d/a.js"]);
  });

  it("creates a missing target, and deletes only with no stdin", async () => {
    const nested = path.join(target, "deep/app");
    await runLocally(syncCommand(nested, 0, ["nothing"]));
    expect((await lstat(nested)).isDirectory()).toBe(true);
    const { stdout } = await run("sh", ["-c", "echo ok"]);
    expect(stdout).toBe("ok\n");
  });
});
