import { describe, expect, it } from "vitest";
import { createPullCursors } from "./pull-cursors.js";

describe("pull cursors", () => {
  it("keeps the container's clock per pod and bind, stops a bind, and forgets pods that are gone", () => {
    const cursors = createPullCursors();
    expect(cursors.since("web-1", "r0")).toBeUndefined();
    expect(cursors.stopped("web-1", "r0")).toBe(false);
    cursors.set("web-1", "r0", 100);
    cursors.stop("web-1", "r1");
    expect(cursors.since("web-1", "r0")).toBe(100);
    expect(cursors.stopped("web-1", "r1")).toBe(true);
    cursors.set("web-2", "r0", 5);
    cursors.prune(new Set(["web-2"]));
    expect(cursors.since("web-1", "r0")).toBeUndefined();
    expect(cursors.stopped("web-1", "r1")).toBe(false);
    expect(cursors.since("web-2", "r0")).toBe(5);
  });
});
