import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildTar } from "./build-tar.js";
import { gzipFromBytes, sampledGzipRatio, worthGzipping } from "./gzip-choice.js";
import { hashContent } from "./hash-manifest.js";

const file = (rel: string, content: Buffer) => ({ rel, kind: "file" as const, content, mode: 0o644, hash: hashContent(content) });

describe("worthGzipping", () => {
  it("gzips a storm of small files (mostly tar headers and padding)", async () => {
    const tar = await buildTar(Array.from({ length: 1_000 }, (_, i) => file(`src/f${i}.js`, Buffer.from(`module.exports = ${i};\n`))));
    expect(tar.length).toBeGreaterThan(gzipFromBytes);
    expect(sampledGzipRatio(tar)).toBeLessThan(0.1);
    expect(worthGzipping(tar)).toBe(true);
  });

  it("does not gzip what barely compresses (a binary) or a small tar", async () => {
    const binary = await buildTar([file("api", randomBytes(2 * 2 ** 20))]);
    expect(sampledGzipRatio(binary)).toBeGreaterThan(0.9);
    expect(worthGzipping(binary)).toBe(false);
    const small = await buildTar([file("a.txt", Buffer.alloc(10_000, "a"))]);
    expect(worthGzipping(small)).toBe(false);
  });

  it("samples slices spread over the whole tar, not only its start", () => {
    // Compressible first half, random second half: the whole tar shrinks to ~half, so the sample must see both.
    const data = Buffer.concat([Buffer.alloc(2 ** 20, "x"), randomBytes(2 ** 20)]);
    const ratio = sampledGzipRatio(data);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.7);
  });
});
