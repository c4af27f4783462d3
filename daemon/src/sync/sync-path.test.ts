import { describe, expect, it } from "vitest";
import { checkRelativePath, checkTargetDir, refusalMessage, toRootRelative } from "./sync-path.js";

describe("checkRelativePath", () => {
  it("accepts and cleans ordinary relative paths", () => {
    expect(checkRelativePath("src/a.js")).toEqual({ ok: true, rel: "src/a.js" });
    expect(checkRelativePath("./src//a.js")).toEqual({ ok: true, rel: "src/a.js" });
    expect(checkRelativePath("-rf")).toEqual({ ok: true, rel: "-rf" });
  });
  it.each([
    ["../etc/passwd", "`..`"],
    ["a/../../b", "`..`"],
    ["/etc/passwd", "absolute"],
    ["", "empty"],
    [".", "empty"],
    ["a\0b", "NUL"],
    ["a\nb", "newline"],
  ])("refuses %j", (rel, why) => {
    const r = checkRelativePath(rel);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });
});

describe("toRootRelative", () => {
  it("makes absolute paths under the root relative", () => {
    expect(toRootRelative("/w/app", "/w/app/src/x.ts")).toEqual({ ok: true, rel: "src/x.ts" });
    expect(toRootRelative("/w/app/", "src/x.ts")).toEqual({ ok: true, rel: "src/x.ts" });
  });
  it("refuses paths outside the root, naming the root", () => {
    const r = toRootRelative("/w/app", "/w/other/x");
    expect(r).toEqual({ ok: false, reason: "the path is outside the watched root /w/app" });
    expect(toRootRelative("/w/app", "../x").ok).toBe(false);
    expect(toRootRelative("/w/app", "/w/app-2/x").ok).toBe(false);
    expect(toRootRelative("/w/app", "/w/app").ok).toBe(false);
  });
});

describe("target directories", () => {
  it("refuses bad targets", () => {
    expect(() => checkTargetDir("app")).toThrow(/absolute/);
    expect(() => checkTargetDir("/")).toThrow(/root/);
    expect(() => checkTargetDir("/app/../etc")).toThrow(/\.\./);
  });
  it("words a refusal with the path and the reason", () => {
    expect(refusalMessage("/w/app", "link", "it is a symlink to /etc, which is outside the watched root")).toBe(
      'refused to sync "link" (under /w/app): it is a symlink to /etc, which is outside the watched root',
    );
  });
});
