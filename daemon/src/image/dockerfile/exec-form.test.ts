import { describe, expect, it } from "vitest";
import { readExecForm } from "./exec-form.js";

// What moby/buildkit's parseMaybeJSON (frontend/dockerfile/parser/line_parsers.go) makes of the arguments:
// BuildKit 0.15+ (json.Unmarshal since moby/buildkit#5107): exec form only for one whole JSON array of strings.
describe("readExecForm, as BuildKit's parseMaybeJSON", () => {
  it.each([
    ['["node", "server.js"]', ["node", "server.js"]],
    ['  ["a"]  ', ["a"]],
    ["[]", []],
    // JSON escapes, not the Dockerfile's escape character
    ['["c:\\\\app", "\\u0041"]', ["c:\\app", "A"]],
    // brackets inside strings
    ['["echo", "]", "["]', ["echo", "]", "["]],
  ])("%s: exec form", (args, json) => {
    expect(readExecForm("CMD", args)).toEqual({ json });
  });

  it.each([
    // not JSON: shell form, no error (single quotes, a trailing comma, an unclosed array)
    ["['a']"],
    ['["a",]'],
    ['["a"'],
    // not starting with [
    ["node server.js"],
    ['echo ["a"]'],
  ])("%s: shell form", (args) => {
    expect(readExecForm("CMD", args)).toEqual({});
  });

  it.each([
    // a valid array of anything but strings is refused in every version: errDockerfileNotStringArray
    ['["sleep", 5]', 0, 'CMD: an exec-form array must hold strings only (BuildKit refuses the line): expected ["…", "…"], found 5'],
    ['  [null]', 2, 'CMD: an exec-form array must hold strings only (BuildKit refuses the line): expected ["…", "…"], found null'],
    // text after the array: 20.10's frontend (json.Decoder) runs ["node","a.js"] and drops it, 0.15+ runs the line in a shell
    ['["node", "a.js"] # start', 17, 'CMD: text after the exec-form array: expected the line to end at "]", found "# start"'],
    ['["ls"]random', 6, 'CMD: text after the exec-form array: expected the line to end at "]", found "random"'],
    // both: 20.10 refuses it, 0.15+ runs it in a shell; reported as the array it is
    ['[1] x', 0, 'CMD: an exec-form array must hold strings only (BuildKit refuses the line): expected ["…", "…"], found 1'],
  ])("%s: located problem", (args, offset, message) => {
    const form = readExecForm("CMD", args);
    expect(form.json).toBeUndefined();
    expect(form.problem).toMatchObject({ offset, message });
    expect(form.problem?.readsDifferently === true).toBe(message.includes("text after"));
  });
});
