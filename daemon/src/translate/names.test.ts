import { describe, expect, it } from "vitest";
import { defaultNamespace, normalizeUser } from "./namespace.js";
import { isDnsLabel, toDnsLabel, toServiceName, uniqueDnsLabels } from "./names.js";

describe("names", () => {
  it("lowercases and replaces invalid characters", () => {
    expect(toDnsLabel("Web_App.1")).toBe("web-app-1");
    expect(toDnsLabel("--x--")).toBe("x");
    expect(toDnsLabel("___")).toBe("x");
  });

  it("truncates long names to 63 with a stable hash", () => {
    const long = "a".repeat(100);
    const label = toDnsLabel(long);
    expect(label).toHaveLength(63);
    expect(isDnsLabel(label)).toBe(true);
    expect(toDnsLabel(long)).toBe(label);
    expect(toDnsLabel(`${long}b`)).not.toBe(label);
  });

  it("makes Service names start with a letter", () => {
    expect(toServiceName("1web")).toBe("s-1web");
    expect(toServiceName("web")).toBe("web");
  });

  it("keeps names unique when sanitising makes them collide", () => {
    const names = uniqueDnsLabels(["web_1", "web-1", "db"]);
    expect(names.get("db")).toBe("db");
    expect(names.get("web_1")).not.toBe(names.get("web-1"));
    expect(names.get("web_1")).toMatch(/^web-1-[0-9a-f]{8}$/);
  });
});

describe("defaultNamespace", () => {
  it("is <project>-<user>, normalised", () => {
    expect(defaultNamespace("shop", "Jane.Doe")).toBe("shop-jane-doe");
    expect(normalizeUser("")).toBe("user");
    expect(defaultNamespace("p".repeat(70), "u")).toHaveLength(63);
  });
});
