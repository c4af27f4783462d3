/**
 * The support table against the code: every key it marks ignored (warning) must produce that warning, located at the
 * key, on a project that uses it, loaded by the real loader. A key added to the table without the code to warn about
 * it (or a loader that stops locating it) fails here.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import { TranslateCodes } from "./codes.js";
import { toManifests } from "./index.js";
import { allSupport, SupportStatus } from "./support.js";

/** A value each ignored key accepts (YAML, indented under the key). */
const samples: Readonly<Record<string, string>> = {
  version: '"3.9"',
  models: "\n  m: { model: ai/smollm2 }",
  attach: "false",
  blkio_config: "{ weight: 300 }",
  cgroup: "host",
  cgroup_parent: "m",
  container_name: "c1",
  cpu_count: "2",
  cpu_percent: "50",
  cpu_period: "100000",
  cpu_quota: "50000",
  cpu_rt_period: "1000",
  cpu_rt_runtime: "950",
  cpu_shares: "512",
  cpuset: '"0-1"',
  credential_spec: "{ file: x.json }",
  device_cgroup_rules: '["c 1:3 mr"]',
  devices: '["/dev/ttyUSB0:/dev/ttyUSB0"]',
  domainname: "example.com",
  external_links: '["redis_1"]',
  gpus: "all",
  isolation: "default",
  links: '["db"]',
  logging: "{ driver: json-file }",
  mac_address: '"02:42:ac:11:65:43"',
  mem_swappiness: "10",
  memswap_limit: "1g",
  oom_kill_disable: "true",
  oom_score_adj: "100",
  pid: "host",
  pids_limit: "100",
  platform: "linux/amd64",
  provider: "{ type: x }",
  pre_start: '[{ command: ["true"] }]',
  pull_refresh_after: "1h",
  runtime: "runc",
  security_opt: '["no-new-privileges:true"]',
  stop_signal: "SIGINT",
  storage_opt: "{ size: 1G }",
  ulimits: "{ nofile: 65535 }",
  use_api_socket: "true",
  userns_mode: "host",
  uts: "host",
  "deploy.update_config": "{ parallelism: 2 }",
  "deploy.rollback_config": "{ parallelism: 2 }",
  "deploy.endpoint_mode": "dnsrr",
  "deploy.resources.limits.pids": "100",
  "deploy.resources.reservations.devices": "[{ capabilities: [gpu] }]",
  "healthcheck.start_interval": "5s",
  "build.additional_contexts": "{ base: ../base }",
  "build.cache_to": '["type=local,dest=/tmp/c"]',
  "build.entitlements": '["network.host"]',
  "build.no_cache_filter": '["deps"]',
  "build.isolation": "default",
  "build.privileged": "true",
  "build.provenance": "true",
  "build.sbom": "true",
  "build.secrets": '["npmrc"]',
  "build.ssh": '["default"]',
};

/** `a.b.c: value` as nested YAML mappings at `indent`. */
const nested = (indent: string, keys: readonly string[], value: string): string => {
  const [head, ...tail] = keys;
  return tail.length === 0 ? `${indent}${head}: ${value.replace(/\n/g, `\n${indent}`)}\n` : `${indent}${head}:\n${nested(`${indent}  `, tail, value)}`;
};

/** The YAML of a project using `key` (a top-level key, or services.*.<path>). */
const composeUsing = (key: string, value: string): string => {
  const web = "services:\n  web:\n    image: web:1\n";
  if (!key.startsWith("services.*.")) return `${web}${nested("", key.split("."), value)}`;
  const path = key.slice("services.*.".length).split(".");
  if (path[0] !== "build") return `${web}${nested("    ", path, value)}`;
  const secrets = path[1] === "secrets" ? "secrets:\n  npmrc:\n    file: ./npmrc\n" : "";
  return `${web}    build:\n      context: .\n${nested("      ", path.slice(1), value)}${secrets}`;
};

const ignored = allSupport.filter((e) => e.status === SupportStatus.ignored);

describe("support table audit: every ignored key warns where it is written", () => {
  it("has a sample for every ignored key", () => {
    const keys = ignored.map((e) => e.key.replace("services.*.", ""));
    expect(keys.filter((k) => samples[k] === undefined)).toEqual([]);
  });

  it.each(ignored.map((e) => [e.key] as const))("%s", (key) => {
    const short = key.replace("services.*.", "");
    const yaml = composeUsing(key, samples[short] ?? "x");
    const fs = createMemoryFileSystem({ "/p/compose.yml": yaml, "/p/Dockerfile": "FROM scratch\n", "/p/npmrc": "x" });
    const loaded = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, fs);
    if (!loaded.ok) throw new Error(`${key}: the sample does not load:\n${yaml}\n${loaded.diagnostics.map((d) => d.message).join("\n")}`);
    const result = toManifests(loaded.project, { namespace: "audit" });
    const path = key.startsWith("services.*.") ? key.replace("services.*.", "services.web.") : key;
    // The loader's own warning counts (version: DL-COMPOSE-029); otherwise translate's DL-TRANSLATE-001.
    const hit = [...loaded.warnings, ...result.warnings].find((w) => w.severity === "warning" && w.path === path && (w.code === TranslateCodes.ignoredKey || w.code.startsWith("DL-COMPOSE-")));
    expect(hit, `${key} is marked ignored in support.ts but no warning names it`).toBeDefined();
    expect(hit?.line ?? 0).toBeGreaterThan(0);
  });
});
