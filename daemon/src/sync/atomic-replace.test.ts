import { describe, expect, it } from "vitest";
import { encodeRenames, maxStagedFiles, planStaging, stagedName } from "./atomic-replace.js";
import { hashContent } from "./hash-manifest.js";
import type { PutEntry } from "./sync-plan.js";

const file = (rel: string): PutEntry => ({ rel, kind: "file", content: Buffer.from(rel), mode: 0o644, hash: hashContent(Buffer.from(rel)) });

describe("atomic replace: staged names", () => {
  it("puts the staged file beside its target, hidden, with a suffix no watcher matches", () => {
    expect(stagedName("message.js")).toBe(".message.js.devloop-tmp");
    expect(stagedName("src/deep/message.js")).toBe("src/deep/.message.js.devloop-tmp");
    expect(stagedName("src/.env")).toBe("src/..env.devloop-tmp");
  });

  it("leaves names too long for the prefix and suffix to be extracted directly", () => {
    expect(stagedName(`d/${"x".repeat(242)}`)).toBe(`d/.${"x".repeat(242)}.devloop-tmp`);
    expect(stagedName(`d/${"x".repeat(243)}`)).toBeUndefined();
    // Bytes, not characters: 81 three-byte characters are 243 bytes.
    expect(stagedName(`d/${"€".repeat(81)}`)).toBeUndefined();
  });

  it("stages regular files only, and nothing in a batch over the limit", () => {
    const puts: PutEntry[] = [file("a.js"), { rel: "l", kind: "symlink", target: "a.js" }, { rel: "dir", kind: "directory", mode: 0o755 }, file("dir/b.js")];
    expect([...planStaging(puts)]).toEqual([["a.js", ".a.js.devloop-tmp"], ["dir/b.js", "dir/.b.js.devloop-tmp"]]);
    const many = Array.from({ length: maxStagedFiles + 1 }, (_, i) => file(`f${i}`));
    expect(planStaging(many).size).toBe(0);
    expect(planStaging(many.slice(1)).size).toBe(maxStagedFiles);
  });

  it("lists the targets one per line", () => {
    const list = encodeRenames(planStaging([file("a b.js"), file("x/$(y)")]));
    expect(list.bytes.toString()).toBe("a b.js\nx/$(y)\n");
    expect(list.count).toBe(2);
    expect(encodeRenames(new Map())).toEqual({ bytes: Buffer.alloc(0), count: 0 });
  });
});
