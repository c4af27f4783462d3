import { describe, expect, it } from "vitest";
import { parseBytes, parseDuration } from "./units.js";

describe("parseDuration", () => {
  it.each([
    ["10s", 10_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1.5s", 1500],
    ["1h", 3_600_000],
    ["0", 0],
    ["2us", 0.002],
  ])("%s = %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each([["10"], [""], ["s"], ["1x"], ["1s2"]])("%s is not a duration", (text) => expect(parseDuration(text)).toBeUndefined());
});

describe("parseBytes", () => {
  it.each([
    ["256M", 256 * 1024 ** 2],
    ["1gb", 1024 ** 3],
    ["64k", 65536],
    ["100", 100],
    [1024, 1024],
    ["1.5g", 1.5 * 1024 ** 3],
    ["512mib", 512 * 1024 ** 2],
  ])("%s", (v, n) => expect(parseBytes(v)).toBe(n));
  it.each([["lots"], ["-1"], ["1q"]])("%s is not a size", (v) => expect(parseBytes(v)).toBeUndefined());
});
