import { pack } from "tar-stream";
import { describe, expect, it } from "vitest";
import type { TarEntryHeader } from "./tar-header.js";
import { tarBlock, tarHeaderBytes, tarPadding, writeTarHeader } from "./tar-header.js";

/** What tar-stream's pack() writes for one entry, without the archive's end blocks and the content. */
const viaTarStream = async (h: TarEntryHeader): Promise<Buffer> => {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((resolve) => { p.on("end", () => { resolve(); }); });
  const base = { name: h.name, mode: h.mode, mtime: h.mtime, uid: h.uid ?? 0, gid: h.gid ?? 0 };
  if (h.type === "file") p.entry({ ...base, type: "file", size: h.size }, Buffer.alloc(h.size, 0x61));
  else if (h.type === "symlink") p.entry({ ...base, type: "symlink", linkname: h.linkname ?? "" });
  else p.entry({ ...base, type: "directory" });
  p.finalize();
  await done;
  const all = Buffer.concat(chunks);
  const content = h.type === "file" ? h.size + tarPadding(h.size) : 0;
  return all.subarray(0, all.length - 2 * tarBlock - content);
};

const mtime = new Date("2026-12-05T17:00:00Z");
const long = (n: number): string => Array.from({ length: n }, (_, i) => `dir${i}`).join("/");

const cases: [string, TarEntryHeader][] = [
  ["a small file", { name: "src/app.js", type: "file", mode: 0o644, size: 10, mtime }],
  ["an executable", { name: "bin/run", type: "file", mode: 0o755, size: 3, mtime }],
  ["an empty file with mode 0 (tar-stream's default mode)", { name: "empty", type: "file", mode: 0, size: 0, mtime }],
  ["a directory", { name: "lib/m0001", type: "directory", mode: 0o755, mtime, size: 0 }],
  ["a symlink", { name: "link", type: "symlink", mode: 0o777, linkname: "../target", mtime, size: 0 }],
  ["a path past 100 bytes (ustar prefix)", { name: `${long(20)}/file.js`, type: "file", mode: 0o644, size: 700, mtime }],
  ["a path ustar cannot hold (pax)", { name: `${long(50)}/file.js`, type: "file", mode: 0o600, size: 1, mtime }],
  ["a last component past 100 bytes (pax)", { name: `a/${"x".repeat(120)}`, type: "file", mode: 0o644, size: 5, mtime }],
  ["a UTF-8 name (pax)", { name: "données/été.txt", type: "file", mode: 0o644, size: 2, mtime }],
  ["a long link target (pax)", { name: "l", type: "symlink", mode: 0o777, linkname: "t/".repeat(80), mtime, size: 0 }],
  ["a long directory (pax)", { name: long(60), type: "directory", mode: 0o750, mtime, size: 0 }],
  ["a staged name", { name: "src/.app.js.devloop-tmp", type: "file", mode: 0o644, size: 1, mtime, uid: 1000, gid: 1000 }],
];

describe("writeTarHeader", () => {
  it.each(cases)("writes what tar-stream writes: %s", async (_what, h) => {
    const want = await viaTarStream(h);
    const buf = Buffer.alloc(4 * tarBlock + 1024, 0xee);
    const n = writeTarHeader(buf, 7, h);
    expect(n).toBe(want.length);
    expect(tarHeaderBytes(h)).toBe(n);
    expect(buf.subarray(7, 7 + n).equals(want)).toBe(true);
  });

  it("pads content to the next block", () => {
    expect([0, 1, 511, 512, 513].map(tarPadding)).toEqual([0, 511, 1, 0, 511]);
  });
});
