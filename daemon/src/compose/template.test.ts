import { describe, expect, it } from "vitest";
import { substitute } from "./template.js";

const env: Record<string, string> = { SET: "v", EMPTY: "", NESTED: "n" };
const lookup = (k: string): string | undefined => env[k];
const sub = (s: string): string => substitute(s, lookup).value;

describe("substitute", () => {
  it.each([
    ["$SET", "v"],
    ["${SET}", "v"],
    ["a${SET}b$SET.c", "avbv.c"],
    ["$$SET", "$SET"],
    ["$${SET}", "${SET}"],
    ["${UNSET:-d}", "d"],
    ["${EMPTY:-d}", "d"],
    ["${EMPTY-d}", ""],
    ["${UNSET-d}", "d"],
    ["${SET:-d}", "v"],
    ["${SET:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${UNSET:-${NESTED}}", "n"],
    ["${UNSET:-${ALSO_UNSET:-deep}}", "deep"],
    ["${UNSET:-a}-${UNSET:-b}", "a-b"],
    ["${UNSET:-with:colon}", "with:colon"],
    ["${UNSET:-}", ""],
  ])("%s → %s", (input, expected) => {
    expect(sub(input)).toBe(expected);
  });

  it("reports unset variables and blanks them", () => {
    const r = substitute("x${NOPE}y", lookup);
    expect(r.value).toBe("xy");
    expect(r.problems).toEqual([{ kind: "unset", name: "NOPE" }]);
  });

  it.each([["${UNSET:?must be set}"], ["${EMPTY:?must be set}"], ["${UNSET?must be set}"]])("%s is a required-variable error", (input) => {
    const r = substitute(input, lookup);
    expect(r.problems).toEqual([expect.objectContaining({ kind: "required", message: "must be set" })]);
  });

  it("${EMPTY?msg} accepts an empty value", () => {
    expect(substitute("${EMPTY?msg}", lookup).problems).toEqual([]);
  });

  it("keeps a lone $ literally only when lenient", () => {
    expect(substitute("cost $5 and $", lookup, { lenient: true })).toEqual({ value: "cost $5 and $", problems: [], used: [] });
  });

  it.each([["${"], ["${SET"], ["${}"], ["${1A}"], ["${SET%x}"], ["${A B}"], ["echo $1"], ["trailing $"], ["$ space"]])("%s is malformed", (input) => {
    expect(substitute(input, lookup).problems.some((p) => p.kind === "invalid")).toBe(true);
  });

  it("records the variables used", () => {
    expect(substitute("$SET ${UNSET:-${NESTED}}", lookup).used).toEqual(["SET", "UNSET", "NESTED"]);
  });
});
