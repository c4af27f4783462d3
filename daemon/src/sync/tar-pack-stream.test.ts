import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { extract } from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashContent } from "./hash-manifest.js";
import type { PutEntry } from "./sync-plan.js";
import { applySnippet, intoSnippet } from "./pod-confine.js";
import { readerSnippet } from "./session-protocol.js";
import { frameHeaderBytes, packStream, streamWorthGzipping, withContents } from "./tar-pack-stream.js";

let root: string;
beforeEach(async () => { root = await mkdtemp(path.join(tmpdir(), "devloop-packstream-")); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

const unread = (rel: string, size = 0): PutEntry => ({ rel, kind: "file", mode: 0o644, hash: "", size });

/** The frames split back: the tar's payload bytes and the rename list. */
const unframe = (all: Buffer): { tar: Buffer; renames: string; frames: number } => {
  const parts: Buffer[] = [];
  let at = 0;
  let frames = 0;
  for (;;) {
    const n = Number(all.subarray(at, at + frameHeaderBytes).toString().trim());
    at += frameHeaderBytes;
    frames += 1;
    if (n === 0) break;
    parts.push(all.subarray(at, at + n));
    at += n;
  }
  const n = Number(all.subarray(at, at + frameHeaderBytes).toString().trim());
  const renames = all.subarray(at + frameHeaderBytes, at + frameHeaderBytes + n).toString();
  expect(at + frameHeaderBytes + n).toBe(all.length);
  return { tar: Buffer.concat(parts), renames, frames };
};

const entries = async (tar: Buffer): Promise<Map<string, Buffer>> => {
  const out = new Map<string, Buffer>();
  const ex = extract();
  ex.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => { chunks.push(c as Buffer); });
    stream.on("end", () => { out.set(header.name, Buffer.concat(chunks)); next(); });
  });
  await new Promise<void>((resolve, reject) => { ex.on("finish", resolve); ex.on("error", reject); ex.end(tar); });
  return out;
};

/** A batch's records split back: directory records and each group's entries by their path in the target. */
const unrecord = async (records: Buffer): Promise<{ dirs: string[]; groups: string[]; files: Map<string, Buffer> }> => {
  const dirs: string[] = [];
  const groups: string[] = [];
  const files = new Map<string, Buffer>();
  let at = 0;
  for (;;) {
    const nl = records.indexOf(0x0a, at);
    const line = records.subarray(at, nl).toString();
    at = nl + 1;
    if (line === "e") break;
    const [kind = "", n = "", ...rest] = line.split(" ");
    const where = rest.join(" ");
    if (kind === "d") { dirs.push(`${n} ${where}`); continue; }
    expect(kind).toBe("t");
    groups.push(where);
    const tar = records.subarray(at, at + Number(n));
    at += Number(n);
    for (const [name, content] of await entries(tar)) {
      expect(name).not.toContain("/");
      files.set(where === "" ? name : `${where}/${name}`, content);
    }
  }
  expect(at).toBe(records.length);
  return { dirs, groups, files };
};

const collect = async (frames: AsyncIterable<Buffer>): Promise<Buffer> => {
  const out: Buffer[] = [];
  for await (const f of frames) out.push(f);
  return Buffer.concat(out);
};

describe("packStream", () => {
  it("frames the tar of files read as it is pulled, renames last, each file's hash that of the bytes sent", async () => {
    const big = randomBytes(5 * 1024 * 1024 + 7);
    await writeFile(path.join(root, "big.bin"), big);
    await writeFile(path.join(root, "a.txt"), "a");
    const puts: PutEntry[] = [unread("big.bin", big.length), unread("a.txt", 1), { rel: "kept.txt", kind: "file", mode: 0o600, hash: hashContent(Buffer.from("k")), content: Buffer.from("k") }, { rel: "d", kind: "directory", mode: 0o755 }];
    const staged = new Map([["big.bin", ".big.bin.devloop-tmp"], ["a.txt", ".a.txt.devloop-tmp"]]);
    const { frames, sent } = packStream({ puts, root, staged });
    const { tar, renames, frames: count } = unframe(await collect(frames));
    expect(count).toBeGreaterThan(2);
    const { dirs, files } = await unrecord(tar);
    expect(dirs).toEqual(["755 d"]);
    expect(files.get(".big.bin.devloop-tmp")?.equals(big)).toBe(true);
    expect(files.get(".a.txt.devloop-tmp")?.toString()).toBe("a");
    expect(files.get("kept.txt")?.toString()).toBe("k");
    expect(renames).toBe(".big.bin.devloop-tmp/big.bin\n.a.txt.devloop-tmp/a.txt\n");
    expect(sent.get("big.bin")).toEqual({ kind: "file", hash: hashContent(big), mode: 0o644, size: big.length });
    expect(sent.get("kept.txt")).toEqual({ kind: "file", hash: hashContent(Buffer.from("k")), mode: 0o600, size: 1 });
  });

  it("leaves out a file that is gone or became a symlink (from the archive, the renames and sent)", async () => {
    await writeFile(path.join(root, "b.txt"), "b");
    await symlink("/etc/hostname", path.join(root, "now-a-link"));
    const staged = new Map([["gone.txt", ".gone.txt.devloop-tmp"], ["now-a-link", ".now-a-link.devloop-tmp"], ["b.txt", ".b.txt.devloop-tmp"]]);
    const { frames, sent } = packStream({ puts: [unread("gone.txt"), unread("now-a-link"), unread("b.txt")], root, staged });
    const { tar, renames } = unframe(await collect(frames));
    expect([...(await unrecord(tar)).files.keys()]).toEqual([".b.txt.devloop-tmp"]);
    expect(renames).toBe(".b.txt.devloop-tmp/b.txt\n");
    expect([...sent.keys()]).toEqual(["b.txt"]);
  });

  it("sends the size the opened file had: a file that shrinks while read is padded, and its hash is of what was sent", async () => {
    const content = randomBytes(9 * 1024 * 1024);
    await writeFile(path.join(root, "shrinks.bin"), content);
    const { frames, sent } = packStream({ puts: [unread("shrinks.bin", content.length)], root });
    const it = frames[Symbol.asyncIterator]();
    const first = await it.next();
    await truncate(path.join(root, "shrinks.bin"), 1024);
    const rest: Buffer[] = [first.value as Buffer];
    for (let r = await it.next(); r.done !== true; r = await it.next()) rest.push(r.value);
    const got = (await unrecord(unframe(Buffer.concat(rest)).tar)).files.get("shrinks.bin");
    expect(got?.length).toBe(content.length);
    expect(got?.subarray(-1024).equals(Buffer.alloc(1024))).toBe(true);
    expect(got?.subarray(0, 1024).equals(content.subarray(0, 1024))).toBe(true);
    expect(sent.get("shrinks.bin")).toMatchObject({ hash: hashContent(got ?? Buffer.alloc(0)), size: content.length });
  });

  it("a tree of many files across chunk boundaries: one group per directory, applied by the container's `apply` with the system's tar", async () => {
    const want = new Map<string, Buffer>();
    const puts: PutEntry[] = [];
    let seed = 7;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let d = 0; d < 12; d++) {
      await mkdir(path.join(root, `d${d}`));
      puts.push({ rel: `d${d}`, kind: "directory", mode: 0o755 });
      for (let f = 0; f < 40; f++) {
        // Sizes from empty to past the synchronous read's 256 KiB, a few past a 1 MiB chunk.
        const size = f === 0 ? 0 : f % 29 === 0 ? 1024 * 1024 + next(5000) : f % 7 === 0 ? 200 * 1024 + next(100 * 1024) : next(20_000);
        const rel = `d${d}/f${f}.js`;
        const content = randomBytes(size);
        await writeFile(path.join(root, rel), content, { mode: f % 5 === 0 ? 0o755 : 0o644 });
        want.set(rel, content);
        puts.push(unread(rel, size));
      }
    }
    const longRel = `${"n".repeat(90)}/${"é".repeat(60)}.txt`;
    await mkdir(path.join(root, "n".repeat(90)));
    await writeFile(path.join(root, longRel), "long");
    want.set(longRel, Buffer.from("long"));
    puts.push(unread(longRel, 4));
    await symlink("d0/f1.js", path.join(root, "link"));
    puts.push({ rel: "link", kind: "symlink", target: "d0/f1.js" });
    const { frames, sent } = packStream({ puts, root });
    const { tar } = unframe(await collect(frames));
    expect((await unrecord(tar)).groups).toEqual(["", ...Array.from({ length: 12 }, (_, d) => `d${d}`), "n".repeat(90)]);
    const out = await mkdtemp(path.join(tmpdir(), "devloop-packstream-out-"));
    try {
      const script = ['cd -- "$0" || exit 1', readerSnippet("exit 97"), "xt=", intoSnippet, applySnippet, "apply"].join("\n");
      execFileSync("sh", ["-c", script, out], { input: tar });
      for (const [rel, content] of want) {
        expect((await readFile(path.join(out, rel))).equals(content), rel).toBe(true);
        expect(sent.get(rel), rel).toMatchObject({ kind: "file", hash: hashContent(content) });
      }
      expect((await stat(path.join(out, "d0/f5.js"))).mode & 0o777).toBe(0o755);
      expect(await readlink(path.join(out, "link"))).toBe("d0/f1.js");
      expect(sent.size).toBe(want.size);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 30_000);

  it("gzipped: the frames carry a gzip stream of the tar", async () => {
    await writeFile(path.join(root, "t.js"), "const a = 1;\n".repeat(100_000));
    const { frames } = packStream({ puts: [unread("t.js")], root, gzip: true });
    const { tar } = unframe(await collect(frames));
    expect(tar.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(tar.length).toBeLessThan(100_000);
  });
});

describe("streamWorthGzipping and withContents", () => {
  it("samples the files: text is worth it, random bytes are not", async () => {
    await writeFile(path.join(root, "t.js"), "export const value = request.handler(42);\n".repeat(50_000));
    await writeFile(path.join(root, "r.bin"), randomBytes(2 * 1024 * 1024));
    expect(await streamWorthGzipping(root, [unread("t.js", 2_100_000)], 0.4)).toBe(true);
    expect(await streamWorthGzipping(root, [unread("r.bin", 2 * 1024 * 1024)], 0.4)).toBe(false);
  });

  it("reads the content of puts the scan did not keep, with its hash; drops what is gone", async () => {
    await writeFile(path.join(root, "x.txt"), "x1");
    const got = await withContents(root, [unread("x.txt", 2), unread("gone.txt", 1)]);
    expect(got).toEqual([{ rel: "x.txt", kind: "file", mode: 0o644, size: 2, hash: hashContent(Buffer.from("x1")), content: Buffer.from("x1") }]);
  });
});
