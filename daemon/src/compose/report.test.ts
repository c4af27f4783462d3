import { describe, expect, it } from "vitest";
import { editDistance, editDistanceWithin, listNames, nearest } from "./report.js";

describe("suggestions", () => {
  it("bound the edit distance: the exact distance when within the bound, else bound + 1", () => {
    const words = ["", "a", "ab", "web", "wbe", "webs", "api", "apis", "cache", "cahce", "s1999", "t1999", "postgres", "postgers", "Web"];
    for (const a of words) {
      for (const b of words) {
        const exact = editDistance(a, b);
        for (const max of [0, 1, 2, 3]) expect(editDistanceWithin(a, b, max), `${a} ~ ${b} within ${max}`).toBe(exact <= max ? exact : max + 1);
      }
    }
  });

  it("name the first of the closest candidates within a third of the word's length, case aside", () => {
    expect(nearest("wev", ["api", "web", "wed"])).toBe("web");
    expect(nearest("wbe", ["web"])).toBeUndefined();
    expect(nearest("cachee", ["cachd", "cache"])).toBe("cache");
    expect(nearest("WEB", ["web"])).toBe("web");
    expect(nearest("t12", ["s1", "s12", "t13"])).toBe("s12");
    expect(nearest("postgres", ["redis", "api"])).toBeUndefined();
    expect(nearest("web1", ["web1", "web2"], "web1")).toBe("web2");
  });

  it("list at most 20 names, and how many more, also from the first ones and a total", () => {
    const names = Array.from({ length: 25 }, (_, i) => `s${i}`);
    expect(listNames(names)).toBe(`${names.slice(0, 20).join(", ")}, … (5 more)`);
    expect(listNames(names.slice(0, 21), 20, 2000)).toBe(`${names.slice(0, 20).join(", ")}, … (1980 more)`);
    expect(listNames(["a", "b"])).toBe("a, b");
  });
});
