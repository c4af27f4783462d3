import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { generateCompose } from "../../../bench/compose-load.js";
import { parseComposeDocuments } from "./parse.js";
import { parseComposeCst } from "./parse-cst.js";

const repo = join(import.meta.dirname, "../../..");

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });

/** Cases the fast path must either build exactly as the full path does, or leave to it. */
const snippets: readonly string[] = [
  "services:\n  web:\n    image: nginx\n",
  "---\nservices:\n  web:\n    image: nginx\n",
  "# comment\nservices: # c\n  web:   # c\n    image: nginx # c\n    ports:\n      - 80 # c\n      # c\n  # c\n# c\n",
  "services:\n  web:\n    command: >\n      a\n      b\n    entrypoint: |-\n      x\n        y\n    user: '0'\n    working_dir: \"/a\\tb\"\n",
  "services:\n  web:\n    environment:\n      A:\n      B: ~\n      C: null\n      D: true\n      E: 0x10\n      F: 0o17\n      G: 1e3\n      H: .inf\n      I: -.nan\n      J: 0400\n      K: '0400'\n      L: 12.50\n",
  "x-a: &a {image: a, restart: always}\nx-b: &b {image: b, user: bob}\nservices:\n  web:\n    <<: [*a, *b]\n    restart: 'no'\n  api: *a\n",
  "x-a: &a\n  image: a\nservices:\n  web:\n    <<: *a\n  api:\n    <<: *a\n    image: b\n",
  "services:\n  web: &w\n    image: a\n    labels: &l {x: 1}\n  api:\n    labels: *l\n    <<: *w\n",
  "services:\n  web:\n    ports: !reset []\n    command: !override [a]\n    image: !reset\n    user: !reset ''\n    environment: !override\n      A: 1\n    volumes: !reset\n      - a:/b\n",
  "services:\n  web:\n    image: a\n    image: b\n",
  "services:\n  web:\n    1: a\n    '1': b\n",
  "services:\n  web:\n    <<: {a: 1}\n    '<<': 2\n",
  "services:\n  web:\n    '<<': 2\n    <<: {a: 1}\n",
  "services:\n  web:\n    <<: 5\n",
  "services:\n  web:\n    <<: []\n",
  "services:\n  web: *nope\n",
  "a: &a [*a]\n",
  "a: &a 1\nb: &a 2\nc: *a\n",
  "a: &a {x: &a 1}\nb: *a\n",
  "services:\n  web:\n    image: [a, b\n",
  "services:\n  web:\n  image: nginx\n    ports: []\n",
  "services:\n\tweb:\n    image: x\n",
  "services:\n  web:\n    image:\tx\n",
  "services:\n  ? web\n  : image: x\n",
  "services:\n  [a]: x\n",
  "services:\n  web:\n    image: \"a\\qb\"\n",
  "services:\n  web:\n    build: { context: ., args: { A: \"1\" }, }\n    dns: [a, b, ]\n    x: { a }\n    y: [a: b]\n    z: {a: , b: 1}\n    w: [ , a]\n",
  "services:\n  web:\n    command: [\"sh\", \"-c\",\n      \"echo hi\"]\n",
  "services:\n  web:\n    image: a\n...\n",
  "services:\n  web: {image: a}\n---\nservices:\n  web: {user: b}\n",
  "%YAML 1.2\n---\nservices: {}\n",
  "- a\n- b\n",
  "",
  "# only a comment\n",
  "services: &s\n  web: {image: a}\nx: !!str 1\n",
  "services:\n  web:\n    image: &i nginx\n    labels:\n      a: *i\n",
  "key: - a\n",
  "services:\n  web:\n    healthcheck:\n      test:\n      - CMD\n      - true\n",
  "services:\n  web:\n    image: a\n  # trailing\n",
  "\uFEFFservices:\n  web:\n    image: a\n",
  "services:\r\n  web:\r\n    image: a\r\n",
  "a: &x b\nc: *x:\n",
  "a: !custom b\n",
  "a: &\n  b: 1\n",
  "services:\n  web:\n    environment:\n      - A=1\n      - &e B=2\n      - *e\n",
];

const compare = (text: string, file: string): "fast" | "full" => {
  const params = { text, file, baseDir: "/p", maxNodes: 1_000_000 };
  const fast = parseComposeCst(params);
  if (fast === undefined) return "full";
  const full = parseComposeDocuments(params);
  expect(full.diagnostics, `${file}: the fast path took a file with diagnostics`).toEqual([]);
  expect(fast, file).toEqual(full.root);
  return "fast";
};

describe("parseComposeCst (the CST fast path) builds what the full path builds", () => {
  it("for every YAML file in the repository's fixtures and templates", () => {
    const files = [...yamlFiles(join(repo, "fixtures")), ...yamlFiles(join(repo, "templates"))];
    const taken = files.filter((f) => compare(readFileSync(f, "utf8"), relative(repo, f)) === "fast");
    expect(files.length).toBeGreaterThan(100);
    // Most fixtures are clean compose files: the fast path must not be giving up on them.
    expect(taken.length).toBeGreaterThan(files.length / 2);
  });

  it("for the benchmark's 500-service file, on the fast path", () => {
    expect(compare(generateCompose(500), "bench.yml")).toBe("fast");
  });

  it.each(snippets.map((s, i) => [i, s] as const))("for snippet %i", (_i, text) => {
    compare(text, "compose.yml");
  });

  it("gives up exactly where the full path reaches the alias cap", () => {
    const text = "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n";
    for (let maxNodes = 1; maxNodes < 80; maxNodes++) {
      const params = { text, file: "c.yml", baseDir: "/p", maxNodes };
      expect(parseComposeCst(params) === undefined, `cap ${maxNodes}`).toBe(parseComposeDocuments(params).root === undefined);
    }
  });
});
