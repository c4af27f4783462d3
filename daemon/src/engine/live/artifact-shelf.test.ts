import { describe, expect, it } from "vitest";
import { createArtifactShelf } from "./artifact-shelf.js";

describe("artifact shelf", () => {
  it("keeps the last good artifact per service", () => {
    const shelf = createArtifactShelf();
    expect(shelf.last("api")).toBeUndefined();
    const a = { content: new Uint8Array([1]), mode: 0o755 };
    shelf.keep("api", a);
    expect(shelf.last("api")).toBe(a);
  });
});
