import { describe, expect, it } from "vitest";
import { pack } from "tar-stream";
import { readMarker } from "./pod-confine.js";
import { splitReadGroups } from "./pull-read.js";

const tarOf = async (files: Record<string, string>, padTo = 0): Promise<Buffer> => {
  const p = pack();
  for (const [name, text] of Object.entries(files)) p.entry({ name }, text);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  return padTo > bytes.length ? Buffer.concat([bytes, Buffer.alloc(padTo - bytes.length)]) : bytes;
};
const mark = (dir: string): Buffer => Buffer.from(`${readMarker}${dir}\n`, "latin1");

describe("splitReadGroups: the puller's read, a tar per directory", () => {
  it("splits marker, archive, marker, archive, whatever their end padding", async () => {
    const a = await tarOf({ "x.txt": "x".repeat(700), "y": "" }, 10240); // GNU tar: a whole 10 KiB record
    const b = await tarOf({ "z.sql": "z" }); // busybox: two zero blocks
    const groups = splitReadGroups(Buffer.concat([mark(""), a, mark("db/migrations"), b, mark("a b"), b]));
    expect(groups.map((g) => g.dir)).toEqual(["", "db/migrations", "a b"]);
    expect(groups[0]?.archive.equals(a)).toBe(true);
    expect(groups[1]?.archive.equals(b)).toBe(true);
    expect(groups[2]?.archive.equals(b)).toBe(true);
  });

  it("a file whose content holds the marker is not split; a stream cut short ends its last group; junk first is nothing", async () => {
    const a = await tarOf({ "m.txt": `${readMarker}evil\n` });
    const groups = splitReadGroups(Buffer.concat([mark("d"), a, mark("e"), a.subarray(0, 600)]));
    expect(groups.map((g) => [g.dir, g.archive.length])).toEqual([["d", a.length], ["e", 600]]);
    expect(splitReadGroups(Buffer.from("tar: x: Cannot stat\n"))).toEqual([]);
    expect(splitReadGroups(Buffer.alloc(0))).toEqual([]);
  });
});
