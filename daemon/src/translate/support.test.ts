import { describe, expect, it } from "vitest";
import { SCHEMA } from "../compose/schema.js";
import { buildSupport, serviceSupport, supportFor, topLevelSupport } from "./support.js";

describe("support table", () => {
  it("has an entry for every service key the loader accepts", () => {
    const missing = [...(SCHEMA["services.*"] ?? [])].filter((key) => supportFor(`services.web.${key}`) === undefined);
    expect(missing).toEqual([]);
  });

  it("has an entry for every top-level key the loader accepts", () => {
    const keys = new Set(topLevelSupport.map((e) => e.key));
    expect([...(SCHEMA[""] ?? [])].filter((key) => !keys.has(key))).toEqual([]);
  });

  it("has an entry for every build key the loader accepts, sorted, and no other", () => {
    const schema = [...(SCHEMA["services.*.build"] ?? [])];
    expect(schema.filter((key) => supportFor(`services.web.build.${key}`) === undefined)).toEqual([]);
    const keys = buildSupport.map((e) => e.key.replace("services.*.build.", ""));
    expect(keys).toEqual([...schema].sort());
  });

  it("lists each key once, sorted within services", () => {
    const keys = serviceSupport.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    const plain = keys.filter((k) => !k.includes("x-devloop"));
    expect(plain).toEqual([...plain].sort());
  });
});
