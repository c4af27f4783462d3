import { describe, expect, it } from "vitest";
import type { Action } from "../engine/actions.js";
import { shopProject } from "../engine/controllers/test-project.js";
import { reducer } from "../engine/reducer.js";
import { initialState } from "../engine/state.js";
import { createStore } from "../engine/store.js";
import { createTimeline } from "./dashboard-timeline.js";

const options = { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" };

const setup = () => {
  const store = createStore(reducer, initialState(0));
  let t = 1000;
  const timeline = createTimeline(store, () => t);
  const step = async (ms: number, ...actions: Action[]): Promise<void> => {
    t += ms;
    for (const a of actions) store.dispatch(a);
    await store.settle();
  };
  return { store, timeline, step };
};

describe("dashboard timeline", () => {
  it("records why a change happened and a measured trace of its steps", async () => {
    const { timeline, step } = setup();
    const loaded = shopProject({ services: ["api"] });
    await step(0, { type: "projectRequested", request: { name: "shop", options, namespace: "shop-dev", isolation: true } });
    await step(50, { type: "projectLoaded", project: "shop", generation: 1, loaded, hashes: { api: "h1" } });
    await step(10, { type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await step(40, { type: "projectLoaded", project: "shop", generation: 2, loaded, hashes: { api: "h2" } });
    await step(5, { type: "applyStarted", project: "shop", unit: "api", inputHash: "h2" });
    await step(300, { type: "applyFinished", project: "shop", unit: "api", inputHash: "h2", at: 0 });
    const [latest, first] = timeline.changes("shop");
    expect(first?.reason).toBe("up");
    expect(latest).toMatchObject({ reason: "compose.yml changed", action: "reload" });
    expect(latest?.steps.map((s) => [s.name, s.status, s.startMs, s.endMs])).toEqual([
      ["load", "ok", 0, 40],
      ["apply api", "ok", 45, 345],
    ]);
  });

  it("ends a change with an invalid edit as an error, saying the last good version keeps running", async () => {
    const { timeline, step } = setup();
    await step(0, { type: "projectRequested", request: { name: "shop", options, isolation: true } });
    await step(10, { type: "composeChanged", project: "shop", files: ["/p/compose.override.yml"] });
    await step(20, { type: "projectInvalid", project: "shop", generation: 2, diagnostics: [] });
    const [latest] = timeline.changes("shop");
    expect(latest).toMatchObject({ reason: "compose.override.yml changed", status: "error", totalMs: 20 });
    expect(latest?.steps[0]).toMatchObject({ name: "load", status: "error", endMs: 20 });
    expect(latest?.steps[0]?.detail).toContain("last good version keeps running");
  });

  it("names a namespace switch as the reason", async () => {
    const { timeline, step } = setup();
    const request = { name: "shop", options, namespace: "a", isolation: true };
    await step(0, { type: "projectRequested", request });
    await step(10, { type: "projectLoaded", project: "shop", generation: 1, loaded: shopProject({ namespace: "a", services: ["api"] }), hashes: {} });
    await step(10, { type: "projectRequested", request: { ...request, namespace: "b" } });
    expect(timeline.changes("shop")[0]?.reason).toBe("namespace → b");
  });
});
