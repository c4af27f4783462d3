/**
 * loadProject must turn any input into diagnostics, never an exception: feed it truncated and mutated
 * versions of every fixture (deterministic pseudo-random mutations) and of odd shapes.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";

const repo = path.resolve(import.meta.dirname, "../../..");
const invalid = path.join(repo, "fixtures/invalid");
const seeds = [
  readFileSync(path.join(repo, "compose.example.yml"), "utf8"),
  ...readdirSync(invalid).map((c) => readFileSync(path.join(invalid, c, "compose.yml"), "utf8")),
];

const rng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const TOKENS = ["", " ", ":", "- ", "\n", "{", "}", "[", "]", "'", '"', "${", "$", "&a", "*a", "<<: *a", "!reset", "!override", "null", "~", "0", "-1", "1e99", "x-", "\t"];

const load = (text: string) =>
  loadProject(
    { files: ["compose.yml"], profiles: ["*"], envFiles: [], services: [], environment: { HOME: "/home/u" }, cwd: "/p" },
    createMemoryFileSystem({ "compose.yml": text, "common.yml": text, "db/compose.yml": text }),
  );

describe("loadProject never throws", () => {
  it("on truncated and mutated fixtures", () => {
    const random = rng(42);
    let runs = 0;
    for (const seed of seeds) {
      for (let i = 0; i < 8; i++) {
        let text = seed;
        const cut = Math.floor(random() * text.length);
        if (i % 3 === 0) text = text.slice(0, cut);
        else {
          const token = TOKENS[Math.floor(random() * TOKENS.length)] ?? "";
          text = text.slice(0, cut) + token + text.slice(cut + Math.floor(random() * 4));
        }
        expect(() => load(text), text).not.toThrow();
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(300);
  }, 60_000);

  it.each([
    ["services: []"],
    ["services: 5"],
    ["services: {a: null}"],
    ["services: {a: []}"],
    ["services: {a: {image: a, ports: {x: 1}, volumes: [null], environment: 3, healthcheck: [], deploy: 'x', develop: {watch: [null, 1]}}}"],
    ["services: {a: {image: a, depends_on: {b: 1}, extends: {file: 3}}}"],
    ["include: {a: 1}\nservices: {}"],
    ["? [a, b]\n: c"],
    ["a: !!binary aGVsbG8="],
    ["a: &a\n  b: *a"],
    ["services:\n  a: &s {image: x, <<: [*s]}"],
    ["---\nservices: {}\n---\nservices: {}"],
    ["services: {a: {image: '${A:-${B:-${C:?x}}}'}}"],
  ])("on %j", (text) => {
    expect(() => load(text)).not.toThrow();
  });
});
