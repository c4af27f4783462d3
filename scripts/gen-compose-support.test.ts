import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSupportDoc } from "../daemon/src/translate/support-doc.js";
import { SUPPORT_DOC_PATH } from "./gen-compose-support.js";

describe("docs/compose-support.md", () => {
  it("is up to date with daemon/src/translate/support.ts (run npm run docs:support)", () => {
    expect(readFileSync(SUPPORT_DOC_PATH, "utf8")).toBe(renderSupportDoc());
  });
});
