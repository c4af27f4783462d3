import { describe, expect, it } from "vitest";
import { createPodTracker } from "./pod-tracker.js";

describe("pod tracker", () => {
  it("takes a running pod once, and again after it was forgotten", () => {
    const pods = createPodTracker();
    expect(pods.takeRunning("web-1")).toBe(true);
    expect(pods.takeRunning("web-1")).toBe(false);
    expect(pods.isKnown("web-1")).toBe(true);
    pods.forget("web-1");
    expect(pods.isKnown("web-1")).toBe(false);
    expect(pods.takeRunning("web-1")).toBe(true);
  });

  it("leaves a pod whose reconcile or bind fill failed transiently alone until the retry tick", () => {
    const pods = createPodTracker();
    pods.takeRunning("web-1");
    pods.reconcileFailed("web-1");
    expect(pods.isKnown("web-1")).toBe(false);
    expect(pods.takeRunning("web-1")).toBe(false);
    pods.takeBinding("web-2");
    pods.bindFailed("web-2");
    expect(pods.isBound("web-2")).toBe(false);
    expect(pods.takeBinding("web-2")).toBe(false);
    pods.clearBackoff();
    expect(pods.takeRunning("web-1")).toBe(true);
    expect(pods.takeBinding("web-2")).toBe(true);
  });

  it("a resync request takes a pod even while it backs off", () => {
    const pods = createPodTracker();
    pods.takeRunning("web-1");
    pods.reconcileFailed("web-1");
    pods.resync("web-1");
    expect(pods.isKnown("web-1")).toBe(true);
  });

  it("a pod filled at bind time counts as filled until its first reconcile", () => {
    const pods = createPodTracker();
    pods.takeBinding("web-1");
    pods.markFilled("web-1");
    expect(pods.wasFilled("web-1")).toBe(true);
    pods.reconciled("web-1");
    expect(pods.wasFilled("web-1")).toBe(false);
  });

  it("prune forgets bound pods neither binding nor running, filled pods gone, and known pods that stopped running", () => {
    const pods = createPodTracker();
    for (const p of ["a", "b", "c"]) { pods.takeBinding(p); pods.markFilled(p); }
    for (const p of ["a", "d"]) pods.takeRunning(p);
    const stopped = pods.prune(new Set(["a"]), new Set(["b"]), new Set(["a", "b", "d"]));
    expect(stopped).toEqual(["d"]);
    expect(["a", "b", "c"].map((p) => pods.isBound(p))).toEqual([true, true, false]);
    expect(["a", "b", "c"].map((p) => pods.wasFilled(p))).toEqual([true, true, false]);
    expect(["a", "d"].map((p) => pods.isKnown(p))).toEqual([true, false]);
  });

  it("an early fill is taken once per pod; when it misses, the pod is bound again through the running path", () => {
    const pods = createPodTracker();
    expect(pods.takeEarly("web-1")).toBe(true);
    expect(pods.isBound("web-1")).toBe(true);
    expect(pods.takeBinding("web-1")).toBe(false);
    pods.earlyMissed("web-1");
    expect(pods.takeEarly("web-1")).toBe(false);
    expect(pods.takeBinding("web-1")).toBe(true);
    // A new pod of the same name after the old one is gone may start early again.
    pods.prune(new Set(), new Set(), new Set());
    expect(pods.takeEarly("web-1")).toBe(true);
  });
});
