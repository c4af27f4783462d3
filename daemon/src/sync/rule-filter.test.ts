import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LiveRule } from "../translate/types.js";
import { ruleFilter } from "./rule-filter.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "devloop-rule-filter-"));
  await mkdir(path.join(dir, "src"), { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const rule = (over: Partial<LiveRule>): LiveRule => ({ id: "web:watch[0]", action: "sync", path: path.join(dir, "src"), localRoot: path.join(dir, "src"), targetDir: "/app/src", ignore: [], include: [], initialSync: false, ...over });

describe("ruleFilter", () => {
  it("a file rule takes only its file", async () => {
    const f = await ruleFilter(rule({ path: path.join(dir, "package.json"), localRoot: dir, targetDir: "/app", only: "package.json" }));
    expect([f("package.json", false), f("src", true), f("other.json", false)]).toEqual([true, false, false]);
  });

  it("combines the rule's ignore, the root's .gitignore and the context's .dockerignore at the context-relative path", async () => {
    await writeFile(path.join(dir, ".dockerignore"), "src/secret.txt\n");
    await writeFile(path.join(dir, "src/.gitignore"), "*.log\n");
    const f = await ruleFilter(rule({ ignore: ["**/*.test.js"], contextDir: dir }));
    expect(f("a.js", false)).toBe(true);
    expect(f("a.test.js", false)).toBe(false);
    expect(f("debug.log", false)).toBe(false);
    expect(f("secret.txt", false)).toBe(false);
    expect(f("deep/secret.txt", false)).toBe(true);
  });
});
