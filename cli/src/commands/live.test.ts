import { describe, expect, it } from "vitest";
import { describeLiveAction } from "./live.js";

describe("devloop restart | resync | rebuild output", () => {
  it("says what was asked in one line, with the daemon's note", () => {
    expect(describeLiveAction({ ok: true, project: "shop", action: "restart", service: "web", services: ["web"] })).toBe("shop: restart requested for web; devloop status shows the outcome");
    expect(describeLiveAction({ ok: true, project: "shop", action: "restart", services: ["web", "db"], note: "db: no live rules, so the pods are replaced" })).toBe(
      "shop: restart requested for web, db (db: no live rules, so the pods are replaced); devloop status shows the outcome",
    );
    expect(describeLiveAction({ ok: true, project: "shop", action: "rebuild", services: ["web", "db"] })).toBe("shop: rebuild requested for every service; devloop status shows the outcome");
    expect(describeLiveAction({ ok: true, project: "shop", action: "resync", services: [], note: "no service of shop has develop.watch or compile rules: nothing to resync" })).toBe(
      "shop: resync: no service of shop has develop.watch or compile rules: nothing to resync",
    );
  });
});
