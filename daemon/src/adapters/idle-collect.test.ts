import { describe, expect, it } from "vitest";
import { createIdleCollector } from "./idle-collect.js";

const fakeTimers = () => {
  let next = 0;
  const pending = new Map<number, () => void>();
  return {
    pending,
    setTimer: (fn: () => void) => { const id = ++next; pending.set(id, fn); return { id } as { id: number; unref?: () => void }; },
    clearTimer: (t: unknown) => void pending.delete((t as { id: number }).id),
    fire: () => { for (const [id, fn] of [...pending]) { pending.delete(id); fn(); } },
  };
};

describe("createIdleCollector", () => {
  it("collects once after a burst of big payloads, when it has been quiet", () => {
    const t = fakeTimers();
    let collected = 0;
    const c = createIdleCollector({ collect: () => collected++, setTimer: t.setTimer, clearTimer: t.clearTimer });
    c.afterBigPayload();
    c.afterBigPayload();
    c.afterBigPayload();
    expect(t.pending.size).toBe(1);
    expect(collected).toBe(0);
    t.fire();
    expect(collected).toBe(1);
    c.afterBigPayload();
    t.fire();
    expect(collected).toBe(2);
  });

  it("does nothing without a gc to call, and close cancels a pending collection", () => {
    const t = fakeTimers();
    createIdleCollector({ collect: undefined, setTimer: t.setTimer, clearTimer: t.clearTimer }).afterBigPayload();
    expect(t.pending.size).toBe(0);
    let collected = 0;
    const c = createIdleCollector({ collect: () => collected++, setTimer: t.setTimer, clearTimer: t.clearTimer });
    c.afterBigPayload();
    c.close();
    t.fire();
    expect(collected).toBe(0);
  });
});
