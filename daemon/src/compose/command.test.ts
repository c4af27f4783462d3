import { describe, expect, it } from "vitest";
import { shellSplit } from "./command.js";

describe("shellSplit", () => {
  it.each([
    ["echo hello", ["echo", "hello"]],
    ["  spaced   out  ", ["spaced", "out"]],
    [`sh -c 'echo "$HOME" && exit 1'`, ["sh", "-c", 'echo "$HOME" && exit 1']],
    [`printf "a\\"b" c\\ d`, ["printf", 'a"b', "c d"]],
    [`empty '' ""`, ["empty", "", ""]],
    ["", []],
  ])("%s", (text, words) => expect(shellSplit(text)).toEqual(words));
  it("rejects an unterminated quote", () => expect(shellSplit("echo 'oops")).toBeUndefined());
});
