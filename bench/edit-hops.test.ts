import { describe, expect, it } from "vitest";
import type { ProxyChunk } from "../daemon/test/support/latency-proxy.js";
import { editHopsOf } from "./edit-hops.js";

const chunk = (connection: number, direction: "up" | "down", phase: "in" | "out", bytes: number, at: number): ProxyChunk => ({ connection, direction, phase, bytes, at });

describe("editHopsOf", () => {
  it("times the first big write after the save and the first reply on its connection", () => {
    const chunks = [
      chunk(3, "up", "in", 2170, 50), // an earlier batch, before the save
      chunk(7, "up", "in", 180, 101), // an HTTP request through the forward
      chunk(7, "up", "out", 180, 126),
      chunk(3, "up", "in", 2170, 113),
      chunk(7, "down", "in", 400, 131),
      chunk(3, "up", "out", 2170, 138.5),
      chunk(7, "down", "out", 400, 156),
      chunk(3, "down", "in", 60, 146.5),
      chunk(3, "down", "out", 60, 172),
    ];
    expect(editHopsOf(chunks, 100)).toEqual({ toProxy: 13, holdUp: 25.5, cluster: 8, holdDown: 25.5 });
  });

  it("skips a reply on the write's connection that came in before the write went on", () => {
    const chunks = [
      chunk(3, "up", "in", 2170, 10),
      chunk(3, "down", "in", 30, 12), // the reply to something else, still held
      chunk(3, "down", "out", 30, 37),
      chunk(3, "up", "out", 2170, 35),
      chunk(3, "down", "in", 60, 45),
      chunk(3, "down", "out", 60, 70),
    ];
    expect(editHopsOf(chunks, 0)).toEqual({ toProxy: 10, holdUp: 25, cluster: 10, holdDown: 25 });
  });

  it("is undefined without a big write, or before its reply went on", () => {
    expect(editHopsOf([chunk(1, "up", "in", 200, 5)], 0)).toBeUndefined();
    expect(editHopsOf([chunk(1, "up", "in", 2000, 5), chunk(1, "up", "out", 2000, 30), chunk(1, "down", "in", 60, 40)], 0)).toBeUndefined();
    expect(editHopsOf([chunk(1, "up", "in", 2000, 5), chunk(1, "up", "out", 2000, 30), chunk(1, "down", "in", 60, 40)], 0, 3000)).toBeUndefined();
  });
});
