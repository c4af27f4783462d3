import { describe, expect, it } from "vitest";
import type { LMap } from "./located.js";
import { toPlain } from "./located.js";
import { mergeOverrides } from "./merge.js";
import { parseComposeFile } from "./parse.js";

const tree = (text: string): LMap => parseComposeFile({ text, file: "f.yml", baseDir: "/p" }).root as LMap;
const merge = (...texts: string[]): unknown => toPlain(mergeOverrides(texts.map(tree)) as LMap);
const web = (...texts: string[]): unknown => (merge(...texts) as { services: { web: unknown } }).services.web;

describe("mergeOverrides", () => {
  it("merges mappings key by key, the override winning", () => {
    expect(web("services: {web: {image: a, user: u}}", "services: {web: {image: b}}")).toEqual({ image: "b", user: "u" });
  });

  it("replaces command, entrypoint and healthcheck.test", () => {
    expect(
      web("services: {web: {command: [a, b], entrypoint: [x], healthcheck: {test: [CMD, a], retries: 3}}}", "services: {web: {command: [c], entrypoint: [y], healthcheck: {test: [CMD, b]}}}"),
    ).toEqual({ command: ["c"], entrypoint: ["y"], healthcheck: { test: ["CMD", "b"], retries: 3 } });
  });

  it("merges environment and labels as maps, whichever form each file uses", () => {
    expect(web("services: {web: {environment: [A=1, B=2], labels: {x: '1'}}}", "services: {web: {environment: {B: '3', C: '4'}, labels: [y=2]}}")).toEqual({
      environment: { A: "1", B: "3", C: "4" },
      labels: { x: "1", y: "2" },
    });
  });

  it("merges ports by mapping, volumes and secrets by target; appends other lists", () => {
    expect(
      web(
        "services: {web: {ports: ['8080:80', '9090:90'], volumes: ['./a:/data', 'v:/cache'], secrets: [s1, {source: s2, target: t}], dns: [1.1.1.1], profiles: [a]}}",
        "services: {web: {ports: ['8080:80', '7070:70'], volumes: ['./b:/data'], secrets: [{source: s3, target: t}], dns: [8.8.8.8], profiles: [b]}}",
      ),
    ).toEqual({
      ports: ["8080:80", "9090:90", "7070:70"],
      volumes: ["./b:/data", "v:/cache"],
      secrets: ["s1", { source: "s3", target: "t" }],
      dns: ["1.1.1.1", "8.8.8.8"],
      profiles: ["a", "b"],
    });
  });

  it("merges depends_on short and long forms", () => {
    expect(web("services: {web: {depends_on: [db, cache]}}", "services: {web: {depends_on: {db: {condition: service_healthy}}}}")).toEqual({
      depends_on: { db: { condition: "service_healthy" }, cache: {} },
    });
  });

  it("merges long-form entries that share a unique key", () => {
    expect(web("services: {web: {volumes: [{type: volume, source: a, target: /d, read_only: true}]}}", "services: {web: {volumes: [{type: volume, source: b, target: /d}]}}")).toEqual({
      volumes: [{ type: "volume", source: "b", target: "/d", read_only: true }],
    });
  });

  it("treats a build string as its context", () => {
    expect(web("services: {web: {build: ./a}}", "services: {web: {build: {target: dev}}}")).toEqual({ build: { context: "./a", target: "dev" } });
  });

  it("!reset removes and !override replaces", () => {
    expect(
      web("services: {web: {image: a, ports: ['80:80'], environment: {A: '1', B: '2'}, user: u}}", "services: {web: {ports: !reset [], environment: !override {C: '3'}, user: !reset null}}"),
    ).toEqual({ image: "a", environment: { C: "3" } });
  });

  it("drops !reset left in a single file", () => {
    expect(web("services: {web: {image: a, user: !reset null}}")).toEqual({ image: "a" });
  });

  it("adds services and top-level resources from later files", () => {
    expect(merge("services: {a: {image: a}}", "services: {b: {image: b}}\nvolumes: {v: {}}")).toEqual({ services: { a: { image: "a" }, b: { image: "b" } }, volumes: { v: {} } });
  });
});
