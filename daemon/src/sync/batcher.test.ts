import { describe, expect, it } from "vitest";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import type { BatchTiming, ChangeBatch, FileEvent } from "./batcher.js";
import { createBatcher, defaultBatchTiming } from "./batcher.js";

const ev = (p: string, kind: FileEvent["kind"] = "change"): FileEvent => ({ rootId: "r", path: `/w/${p}`, kind });

const setup = (timing: BatchTiming = {}) => {
  const clock = createFakeClock(0);
  const batches: ChangeBatch[] = [];
  const batcher = createBatcher({ clock, onBatch: (b) => batches.push(b), timing: { ...defaultBatchTiming, ...timing } });
  return { clock, batches, batcher };
};

describe("createBatcher", () => {
  it("closes an edit's batch after 10 ms of quiet", () => {
    const { clock, batches, batcher } = setup();
    batcher.push(ev("a"));
    clock.advance(9);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches).toEqual([{ events: [ev("a")], firstEventAt: 0, lastEventAt: 0, closedAt: 10, closedBy: "quiet", storm: false }]);
    expect(clock.pending()).toBe(0);
  });

  it("each event restarts the quiet period; same paths collapse to the latest kind in first-seen order", () => {
    const { clock, batches, batcher } = setup();
    batcher.push(ev("a", "add"));
    clock.advance(8);
    batcher.push(ev("b"));
    clock.advance(8);
    batcher.push(ev("a", "change"));
    clock.advance(9);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches[0]?.events).toEqual([ev("a", "change"), ev("b")]);
    expect(batches[0]?.closedAt).toBe(26);
  });

  it("waits 30 ms while a path is last seen removed: an editor's rename-away, then write (vim's backup dance) stays one batch", () => {
    const { clock, batches, batcher } = setup();
    batcher.push(ev("a", "unlink"));
    clock.advance(25);
    expect(batches).toHaveLength(0);
    batcher.push(ev("a", "add"));
    // Re-created: the path's latest kind is no removal, so the short quiet applies again.
    clock.advance(9);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches[0]?.events).toEqual([ev("a", "add")]);
    expect(batches[0]?.closedAt).toBe(35);
  });

  it("a removal that stays one closes after 30 ms of quiet", () => {
    const { clock, batches, batcher } = setup();
    batcher.push(ev("b"));
    batcher.push(ev("a", "unlink"));
    clock.advance(29);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches[0]?.events).toEqual([ev("b"), ev("a", "unlink")]);
    expect(batches[0]?.closedAt).toBe(30);
  });

  it("caps a batch of a few paths under continuous change (an editor autosaving)", () => {
    const { clock, batches, batcher } = setup();
    for (let t = 0; t < 1_500; t += 5) { batcher.push(ev(`f${(t / 5) % 5}`)); clock.advance(5); }
    expect(batches[0]?.closedBy).toBe("cap");
    expect(batches[0]?.closedAt).toBe(1_000);
    expect(batches[0]?.events).toHaveLength(5);
  });

  it("waits longer once a batch is bulk (≥ 20 paths)", () => {
    const { clock, batches, batcher } = setup();
    for (let i = 0; i < 20; i += 1) batcher.push(ev(`f${i}`));
    clock.advance(200);
    batcher.push(ev("late"));
    clock.advance(249);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches[0]?.events).toHaveLength(21);
    expect(batches[0]?.storm).toBe(false);
  });

  it("a new directory makes the batch bulk: its files usually follow after a pause", () => {
    const { clock, batches, batcher } = setup();
    batcher.push(ev("storm", "addDir"));
    clock.advance(200);
    expect(batches).toHaveLength(0);
    batcher.push(ev("storm/a", "add"));
    clock.advance(250);
    expect(batches[0]?.events).toHaveLength(2);
  });

  it("keeps a storm in one batch: bursts with silences, past the small caps", () => {
    const { clock, batches, batcher } = setup();
    // 5,000 files over 4 s in bursts of 250 with 200 ms of silence after each (a checkout on a busy machine).
    for (let burst = 0; burst < 20; burst += 1) {
      for (let i = 0; i < 250; i += 1) batcher.push(ev(`d${burst}/f${i}`, "add"));
      clock.advance(200);
    }
    expect(batches).toHaveLength(0);
    clock.advance(1_000);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.events).toHaveLength(5_000);
    expect(batches[0]?.storm).toBe(true);
    expect(batches[0]?.closedBy).toBe("quiet");
    expect(batches[0]?.closedAt).toBe(3_800 + 500 + 500);
  });

  it("the storm cap still bounds a never-ending storm", () => {
    const { clock, batches, batcher } = setup();
    for (let t = 0; t < 70_000; t += 1) { batcher.push(ev(`f${t % 30_000}`)); clock.advance(1); }
    expect(batches[0]?.closedBy).toBe("cap");
    expect(batches[0]?.closedAt).toBe(60_000);
  });

  it("flush closes now; dispose drops pending events and timers", () => {
    const { clock, batches, batcher } = setup();
    batcher.push(ev("a"));
    batcher.flush();
    expect(batches[0]?.closedBy).toBe("flush");
    batcher.flush();
    expect(batches).toHaveLength(1);
    batcher.push(ev("b"));
    expect(batcher.pending).toBe(1);
    batcher.dispose();
    clock.advance(10_000);
    expect(batches).toHaveLength(1);
    batcher.push(ev("c"));
    expect(batcher.pending).toBe(0);
  });
});
