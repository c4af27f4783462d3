import { describe, expect, it } from "vitest";
import type { HashManifest, ManifestEntry } from "./hash-manifest.js";
import { emptyManifest, hashContent } from "./hash-manifest.js";
import type { LocalObservation } from "./local-scan.js";
import { planSync, vanishedSince } from "./sync-plan.js";

const fileObs = (rel: string, text: string, mode = 0o644): LocalObservation => {
  const content = Buffer.from(text);
  return { rel, state: { kind: "file", content, hash: hashContent(content), mode, size: content.length } };
};
const entry = (text: string, mode = 0o644): ManifestEntry => ({ kind: "file", hash: hashContent(Buffer.from(text)), mode, size: text.length });

describe("planSync", () => {
  it("puts new and changed files, skips unchanged ones, and advances the manifest", () => {
    const previous: HashManifest = new Map([["same.js", entry("s")], ["edit.js", entry("old")]]);
    const plan = planSync({ observations: [fileObs("same.js", "s"), fileObs("edit.js", "new"), fileObs("new.js", "n")], previous });
    expect(plan.puts.map((p) => p.rel)).toEqual(["edit.js", "new.js"]);
    expect(plan.unchanged).toEqual(["same.js"]);
    expect(plan.next.get("edit.js")).toEqual(entry("new"));
    expect(previous.get("edit.js")).toEqual(entry("old")); // previous is not mutated
  });
  it("re-puts a file whose mode changed", () => {
    const plan = planSync({ observations: [fileObs("run.sh", "x", 0o755)], previous: new Map([["run.sh", entry("x")]]) });
    expect(plan.puts).toHaveLength(1);
  });
  it("deletes missing paths even when never synced, dropping children from the manifest", () => {
    const previous: HashManifest = new Map([["dir/a", entry("a")], ["dir/b", entry("b")], ["keep", entry("k")]]);
    const plan = planSync({ observations: [{ rel: "dir", state: { kind: "missing" } }, { rel: "seeded.txt", state: { kind: "missing" } }], previous });
    expect(plan.deletes).toEqual(["dir", "seeded.txt"]);
    expect([...plan.next.keys()]).toEqual(["keep"]);
  });
  it("reports refusals and never puts them", () => {
    const plan = planSync({ observations: [{ rel: "etc", state: { kind: "refused", reason: "it is a symlink to /etc, which is outside the watched root" } }], previous: emptyManifest });
    expect(plan.puts).toEqual([]);
    expect(plan.refused).toEqual([{ rel: "etc", reason: "it is a symlink to /etc, which is outside the watched root" }]);
  });
  it("with force, puts everything present (a new pod)", () => {
    const previous: HashManifest = new Map([["a", entry("a")]]);
    expect(planSync({ observations: [fileObs("a", "a")], previous, force: true }).puts).toHaveLength(1);
  });
  it("replaces a file by a directory: delete first, then the directory", () => {
    const plan = planSync({ observations: [{ rel: "x", state: { kind: "directory", mode: 0o755 } }], previous: new Map([["x", entry("file")]]) });
    expect(plan.deletes).toEqual(["x"]);
    expect(plan.puts).toEqual([{ rel: "x", kind: "directory", mode: 0o755 }]);
  });
  it("symlinks are tracked by target", () => {
    const previous: HashManifest = new Map([["l", { kind: "symlink", target: "a" }]]);
    expect(planSync({ observations: [{ rel: "l", state: { kind: "symlink", target: "a" } }], previous }).unchanged).toEqual(["l"]);
    expect(planSync({ observations: [{ rel: "l", state: { kind: "symlink", target: "b" } }], previous }).puts).toHaveLength(1);
  });
  it("lists what vanished since the manifest", () => {
    expect(vanishedSince(new Map([["a", entry("a")], ["b", entry("b")]]), new Set(["a"]))).toEqual(["b"]);
  });
});
