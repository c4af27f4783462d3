import { describe, expect, it } from "vitest";
import { readAhead } from "./read-ahead.js";

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A source of `n` chunks of `size` bytes (byte i of chunk k is k), counting pulls and whether it was closed. */
const source = (n: number, size: number, failAt?: number) => {
  const seen = { pulled: 0, closed: false };
  async function* gen(): AsyncGenerator<Buffer> {
    try {
      for (let k = 0; k < n; k++) {
        await Promise.resolve();
        if (k === failAt) throw new Error(`unreadable at ${k}`);
        seen.pulled += 1;
        yield Buffer.alloc(size, k);
      }
    } finally {
      seen.closed = true;
    }
  }
  return { gen: gen(), seen };
};

const collect = async (chunks: AsyncIterable<Buffer>): Promise<number[]> => {
  const out: number[] = [];
  for await (const c of chunks) out.push(c[0] ?? -1);
  return out;
};

describe("readAhead", () => {
  it("pulls up to the budget before anyone asks, then hands everything over in order", async () => {
    const s = source(10, 100);
    const ahead = readAhead(s.gen, 350);
    for (let i = 0; i < 20; i++) await tick();
    expect(s.seen.pulled).toBe(4);
    expect(ahead.buffered()).toBe(400);
    expect(await collect(ahead.chunks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ahead.buffered()).toBe(0);
    expect(s.seen.closed).toBe(true);
  });

  it("a stream shorter than the budget is pulled whole and ends", async () => {
    const s = source(3, 10);
    const ahead = readAhead(s.gen, 1_000);
    for (let i = 0; i < 20; i++) await tick();
    expect(s.seen.closed).toBe(true);
    expect(await collect(ahead.chunks)).toEqual([0, 1, 2]);
  });

  it("a failure while pulling ahead reaches the consumer after the chunks before it", async () => {
    const s = source(5, 10, 2);
    const ahead = readAhead(s.gen, 1_000);
    const got: number[] = [];
    await expect((async () => { for await (const c of ahead.chunks) got.push(c[0] ?? -1); })()).rejects.toThrow("unreadable at 2");
    expect(got).toEqual([0, 1]);
  });

  it("cancel stops pulling and closes the source", async () => {
    const s = source(10, 100);
    const ahead = readAhead(s.gen, 250);
    for (let i = 0; i < 20; i++) await tick();
    ahead.cancel();
    for (let i = 0; i < 20; i++) await tick();
    expect(s.seen.pulled).toBe(3);
    expect(s.seen.closed).toBe(true);
    expect(ahead.buffered()).toBe(0);
  });
});
