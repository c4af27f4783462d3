import { describe, expect, it } from "vitest";
import { encodeRenames, isStagedName, maxStagedFiles, planStaging, stagedName } from "./atomic-replace.js";
import { hashContent } from "./hash-manifest.js";
import type { PutEntry } from "./sync-plan.js";

const file = (rel: string): PutEntry => ({ rel, kind: "file", content: Buffer.from(rel), mode: 0o644, hash: hashContent(Buffer.from(rel)) });

describe("atomic replace: staged names", () => {
  it("stages each file flat in the target's root, hidden, under a name unique to the batch with a suffix no watcher matches", () => {
    const puts = [file("message.js"), file("src/deep/message.js"), file(`d/${"x".repeat(250)}`)];
    const one = planStaging(puts);
    const other = planStaging(puts);
    const names = [...one.values()];
    expect(names.every(isStagedName)).toBe(true);
    expect(names.map((n) => n.replace(/-[0-9a-f]{8}-/, "-B-"))).toEqual([".devloop-B-0.devloop-tmp", ".devloop-B-1.devloop-tmp", ".devloop-B-2.devloop-tmp"]);
    expect([...other.values()][0]).not.toBe(names[0]);
    expect(stagedName("0123abcd", 7)).toBe(".devloop-0123abcd-7.devloop-tmp");
    for (const bad of ["x/.devloop-0123abcd-7.devloop-tmp", ".a.js.devloop-tmp", "../.devloop-0123abcd-7.devloop-tmp"]) expect(isStagedName(bad)).toBe(false);
  });

  it("stages regular files only, and nothing in a batch over the limit", () => {
    const puts: PutEntry[] = [file("a.js"), { rel: "l", kind: "symlink", target: "a.js" }, { rel: "dir", kind: "directory", mode: 0o755 }, file("dir/b.js")];
    expect([...planStaging(puts).keys()]).toEqual(["a.js", "dir/b.js"]);
    const many = Array.from({ length: maxStagedFiles + 1 }, (_, i) => file(`f${i}`));
    expect(planStaging(many).size).toBe(0);
    expect(planStaging(many.slice(1)).size).toBe(maxStagedFiles);
  });

  it("lists the staged name and the target, one per line", () => {
    const list = encodeRenames(new Map([["a b.js", ".devloop-0123abcd-0.devloop-tmp"], ["x/$(y)", ".devloop-0123abcd-1.devloop-tmp"]]));
    expect(list.bytes.toString()).toBe(".devloop-0123abcd-0.devloop-tmp/a b.js\n.devloop-0123abcd-1.devloop-tmp/x/$(y)\n");
    expect(list.count).toBe(2);
    expect(encodeRenames(new Map())).toEqual({ bytes: Buffer.alloc(0), count: 0 });
  });
});
