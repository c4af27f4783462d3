import { describe, expect, it } from "vitest";
import { substitute } from "./substitute.js";

describe("substitute", () => {
  it.each([
    ["$A", "a"],
    ["${A}-x", "a-x"],
    ["${E:-d}", "d"],
    ["${E-d}", ""],
    ["${M:-d}", "d"],
    ["${A:+alt}", "alt"],
    ["${M:+alt}", ""],
    ["\\$A", "$A"],
  ])("%s → %s", (text, value) => {
    expect(substitute(text, { A: "a", E: "" }).value).toBe(value);
  });

  it("lists variables that have no value", () => {
    expect(substitute("${X}/${A}", { A: "a" })).toMatchObject({ value: "/a", unresolved: ["X"], used: ["X", "A"] });
  });
});
