/**
 * The compose schema walk over the top-level resources (volumes.*, networks.*, secrets.*, configs.*) and include[]
 * entries: see service-keys.test.ts and docs/adding-a-compose-key.md.
 */
import { describe, expect, it } from "vitest";
import { SCHEMA } from "../../compose/schema.js";
import { toComposeModel } from "../../compose/to-compose-model.js";
import type { ComposeProject } from "../../compose/types.js";
import { judge, TOP_KNOWN, type Gaps } from "./known-gaps.js";
import { loadWalk, mergeGap, walkCompose } from "./walk-project.js";

/**
 * The top-level resources (volumes.*, networks.*, secrets.*, configs.*) and include[] entries: each key written into
 * the project's own declaration (`{}` marks where it goes, `required` is dropped when the key replaces it). The same
 * two places apply as below a service: merge, and devloop config for what the key changes in the model.
 */
const TOP_PARENTS: Readonly<Record<string, { readonly line: string; readonly yaml: string; readonly required?: Readonly<Record<string, string>>; readonly sources?: readonly string[] }>> = {
  "volumes.*": { line: "volumes: { data: {}, data2: {} }", yaml: "volumes: { data: {}, data2: {} }" },
  "networks.*": { line: "networks: { front: {} }", yaml: "networks: { front: {} }" },
  "secrets.*": { line: "secrets: { s1: { file: ./s1 } }", yaml: "secrets: { s1: {} }", required: { file: "./s1" }, sources: ["file", "environment", "external", "driver"] },
  "configs.*": { line: "configs: { c1: { file: ./c1 } }", yaml: "configs: { c1: {} }", required: { file: "./c1" }, sources: ["file", "environment", "content", "external", "driver"] },
  "include[]": { line: "services:", yaml: "include: [{}]\nservices:", required: { path: "./inc/compose.yml" } },
};

const TOP_SAMPLES: Readonly<Record<string, string>> = {
  "volumes.*.name": "app-data",
  "volumes.*.driver": "local",
  "volumes.*.driver_opts": "{ type: tmpfs }",
  "volumes.*.external": "true",
  "volumes.*.labels": "{ a: b }",
  "networks.*.name": "front-net",
  "networks.*.driver": "bridge",
  "networks.*.driver_opts": "{ a: b }",
  "networks.*.external": "true",
  "networks.*.internal": "true",
  "networks.*.attachable": "true",
  "networks.*.enable_ipv4": "true",
  "networks.*.enable_ipv6": "true",
  "networks.*.ipam": "{ driver: default }",
  "networks.*.labels": "{ a: b }",
  "secrets.*.name": "s1-name",
  "secrets.*.file": "./c1",
  "secrets.*.environment": "S1",
  "secrets.*.external": "true",
  "secrets.*.labels": "{ a: b }",
  "secrets.*.driver": "vault",
  "secrets.*.driver_opts": "{ a: b }",
  "secrets.*.template_driver": "golang",
  "configs.*.name": "c1-name",
  "configs.*.file": "./s1",
  "configs.*.environment": "C1",
  "configs.*.content": "hello",
  "configs.*.external": "true",
  "configs.*.labels": "{ a: b }",
  "configs.*.driver": "x",
  "configs.*.driver_opts": "{ a: b }",
  "configs.*.template_driver": "golang",
  "include[].path": "./inc/compose.yml",
  "include[].project_directory": "./inc",
  "include[].env_file": "[./inc.env]",
};

const topCompose = (pattern: string, key: string | undefined): string => {
  const parent = TOP_PARENTS[pattern];
  if (parent === undefined) throw new Error(`no parent for ${pattern}`);
  // A source key replaces the required source (a secret or config has exactly one).
  const replaces = key !== undefined && (key in (parent.required ?? {}) || (parent.sources ?? []).includes(key));
  const fields = Object.entries(parent.required ?? {}).filter(() => !replaces).map(([k, v]) => `${k}: ${v}`);
  if (key !== undefined) fields.push(`${key}: ${TOP_SAMPLES[`${pattern}.${key}`] ?? "x"}`);
  return walkCompose(["image: web:1"]).replace(`${parent.line}\n`, `${parent.yaml.replace("{}", `{ ${fields.join(", ")} }`)}\n`);
};

/** The project's resources as data (what the loader carries for them). */
const resourcesOf = (project: ComposeProject): string =>
  JSON.stringify({ volumes: project.volumes, networks: project.networks, secrets: project.secrets, configs: project.configs, services: Object.keys(project.services) });

const topGapsOf = (pattern: string, key: string): Gaps => {
  if (TOP_SAMPLES[`${pattern}.${key}`] === undefined) return { sample: `no sample value in TOP_SAMPLES["${pattern}.${key}"]` };
  const gaps: Gaps = {};
  const withKey = topCompose(pattern, key);
  const project = loadWalk(withKey);
  const baseline = loadWalk(topCompose(pattern, undefined));
  const merge = mergeGap(withKey, withKey, resourcesOf);
  if (merge !== undefined) gaps.merge = merge;
  if (resourcesOf(project) !== resourcesOf(baseline)) {
    const model = toComposeModel(project);
    if (pattern === "include[]") {
      // An include adds what the included file declares: its service must be in devloop config.
      if ((model["services"] as Record<string, unknown> | undefined)?.["inc"] === undefined) gaps["to-compose-model"] = "the included service is not in devloop config";
    } else {
      const kind = pattern.slice(0, pattern.indexOf("."));
      const name = Object.keys((project as unknown as Record<string, Record<string, unknown>>)[kind] ?? {})[0] ?? "";
      const shown = ((model[kind] as Record<string, Record<string, unknown>> | undefined)?.[name] ?? {})[key];
      if (shown === undefined) gaps["to-compose-model"] = `the model carries it but devloop config does not show ${kind}.${name}.${key}`;
    }
  }
  return gaps;
};

const topKeys = Object.keys(TOP_PARENTS).flatMap((pattern) => [...(SCHEMA[pattern] ?? [])].sort().map((key) => `${pattern}.${key}`));

describe("compose schema walk: every key of the top-level resources and include merges and shows in devloop config", () => {
  it("walks every top-level resource pattern of the schema", () => {
    const patterns = Object.keys(SCHEMA).filter((p) => p !== "" && !p.startsWith("services.*"));
    expect(patterns.filter((p) => TOP_PARENTS[p] === undefined)).toEqual([]);
    expect(Object.keys(TOP_SAMPLES).filter((k) => !topKeys.includes(k))).toEqual([]);
    expect(Object.keys(TOP_KNOWN).filter((k) => !topKeys.includes(k))).toEqual([]);
  });

  it.each(topKeys)("%s", (topKey) => {
    const cut = topKey.lastIndexOf(".");
    const { unexplained, stale } = judge(topGapsOf(topKey.slice(0, cut), topKey.slice(cut + 1)), TOP_KNOWN[topKey] ?? {});
    expect(unexplained, `${topKey} is not handled everywhere (see docs/adding-a-compose-key.md)`).toEqual([]);
    expect(stale, `TOP_KNOWN (known-gaps.ts) lists places for ${topKey} that are handled now: remove them`).toEqual([]);
  });
});
