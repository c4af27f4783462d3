import { describe, expect, it } from "vitest";
import { redactLine, redactText, redactedMark } from "./dashboard-redact.js";

describe("dashboard redaction", () => {
  it("hides values under secret-looking keys, in map and list syntax", () => {
    expect(redactLine("      API_TOKEN: abc123def")).toBe(`      API_TOKEN: ${redactedMark}`);
    expect(redactLine('      - "DB_PASSWORD=hunter22"')).toBe(`      - "DB_PASSWORD=${redactedMark}`);
    expect(redactLine("      PASSWORD_FILE: /run/secrets/db")).toBe("      PASSWORD_FILE: /run/secrets/db");
  });

  it("hides secret-shaped values under any key, and keeps ordinary lines", () => {
    expect(redactLine("      DATABASE_URL: postgres://app:pw123@db/app")).toContain(redactedMark);
    expect(redactLine('      - "8080:80:tcp"')).toBe('      - "8080:80:tcp"');
    expect(redactLine("    image: redis:7")).toBe("    image: redis:7");
    expect(redactText('"ghp_abcdefghijklmnopqrstuvwxyz0123456789"')).toBe(redactedMark);
    expect(redactText('"80:80:tcp"')).toBe('"80:80:tcp"');
  });
});
