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

  // compose-go template_test.go TestUnescaped: a $ that starts no template is literal.
  it.each([["a $ string"], ["^REGEX$"], ["$}"], ["$"], ["cost $5 and $"], ["$(cat /etc/hostname)"], ["echo $1"]])("%s is literal", (input) => {
    expect(substitute(input, lookup)).toEqual({ value: input, problems: [], used: [] });
  });

  // compose-go PR 581: braces in a default nest, so a set variable leaves no stray }.
  it.each([
    ['${UNSET:-{"a":1}}', '{"a":1}'],
    ['${SET:-{"a":1}}', "v"],
    ['x${SET-{"a":{"b":2}}}y', "xvy"],
    ["${UNSET:-{}", "{"],
  ])("%s → %s", (input, expected) => {
    expect(substitute(input, lookup)).toEqual(expect.objectContaining({ value: expected, problems: [] }));
  });

  // compose-go template_test.go TestInvalid.
  it.each([["${"], ["${SET"], ["${}"], ["${ }"], ["${ foo}"], ["${foo }"], ["${foo!}"], ["${1A}"], ["${SET%x}"], ["${A B}"]])("%s is malformed", (input) => {
    expect(substitute(input, lookup).problems.some((p) => p.kind === "invalid")).toBe(true);
  });

  it("records the variables used", () => {
    expect(substitute("$SET ${UNSET:-${NESTED}}", lookup).used).toEqual(["SET", "UNSET", "NESTED"]);
  });
});
