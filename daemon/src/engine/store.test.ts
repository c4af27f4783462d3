import { describe, expect, it } from "vitest";
import { createStore } from "./store.js";

describe("store", () => {
  it("reduces a burst of actions and notifies once per batch", async () => {
    const store = createStore((s: number, a: number) => s + a, 0);
    const batches: number[][] = [];
    store.subscribe((_s, actions) => batches.push([...actions]));
    store.dispatch(1);
    store.dispatch(2);
    expect(store.getState()).toBe(0);
    await store.settle();
    expect(store.getState()).toBe(3);
    expect(batches).toEqual([[1, 2]]);
  });
});
