import type { Request } from "express";
import { describe, expect, it } from "vitest";
import { foreignReason } from "./dashboard-guard.js";

const req = (headers: Record<string, string>): Request => ({ headers }) as unknown as Request;

describe("dashboard guard", () => {
  it("lets the daemon's own page and non-browser clients through", () => {
    expect(foreignReason(req({ host: "127.0.0.1:7777", origin: "http://127.0.0.1:7777", "sec-fetch-site": "same-origin" }))).toBeUndefined();
    expect(foreignReason(req({ host: "localhost:7777" }))).toBeUndefined();
    expect(foreignReason(req({ host: "localhost:7777", "sec-fetch-site": "none" }))).toBeUndefined();
  });

  it("refuses another origin, even another local one", () => {
    expect(foreignReason(req({ host: "127.0.0.1:7777", origin: "http://evil.example" }))).toContain("evil.example");
    expect(foreignReason(req({ host: "127.0.0.1:7777", origin: "http://localhost:7777" }))).toBeDefined();
    expect(foreignReason(req({ host: "127.0.0.1:7777", origin: "null" }))).toBeDefined();
    expect(foreignReason(req({ host: "127.0.0.1:7777", "sec-fetch-site": "cross-site" }))).toContain("cross-site");
    expect(foreignReason(req({ host: "127.0.0.1:7777", "sec-fetch-site": "same-site" }))).toBeDefined();
  });
});
