/**
 * The walk over the compose schema (compose/schema.ts) that docs/adding-a-compose-key.md asks for: every service key
 * the loader accepts is loaded from a sample, by the real loader, and followed through each place a key must be
 * handled. A key added to the schema and forgotten in one of them fails here, unless known-gaps.ts says why that
 * place does not apply to it. sub-keys.test.ts and top-keys.test.ts walk the keys below a service key and the
 * top-level resources.
 *
 * | place                 | what the walk checks                                                                               |
 * | --------------------- | -------------------------------------------------------------------------------------------------- |
 * | sample                | SAMPLES has a value for the key (the walk cannot follow a key it cannot write)                     |
 * | support table         | translate/support.ts has an entry (docs/compose-support.md)                                        |
 * | merge rules           | compose/merge.ts: an override file that repeats the key and its value changes nothing              |
 * | to-compose-model      | compose/to-compose-model.ts: when the key changes the model, `devloop config` shows the change     |
 * | present keys          | translate/present-keys.ts: when the key changes the model, a project without a source map (built  |
 * |                       | in code) still counts the key as used                                                              |
 * | translation view      | translate/translation-view.ts: a translated key used by a service has a row naming the Kubernetes  |
 * |                       | fields it became                                                                                   |
 */
import { describe, expect, it } from "vitest";
import { SCHEMA } from "../../compose/schema.js";
import { toComposeModel } from "../../compose/to-compose-model.js";
import type { ComposeProject } from "../../compose/types.js";
import { toManifests } from "../index.js";
import { presentServiceKeys } from "../present-keys.js";
import { SupportStatus, supportFor } from "../support.js";
import { judge, KNOWN, type Gaps } from "./known-gaps.js";
import { loadWalk, mergeGap, modelOf, walkCompose, withoutSourceMap } from "./walk-project.js";

/** A value for every service key (YAML flow style), written under services.web. */
const SAMPLES: Readonly<Record<string, string>> = {
  annotations: "{ team.example/owner: web }",
  attach: "false",
  blkio_config: "{ weight: 300 }",
  build: "{ context: . }",
  cap_add: "[NET_ADMIN]",
  cap_drop: "[MKNOD]",
  cgroup: "host",
  cgroup_parent: "m",
  command: "[serve, --port, '80']",
  configs: "[c1]",
  container_name: "web-1",
  cpu_count: "2",
  cpu_percent: "50",
  cpu_period: "100000",
  cpu_quota: "50000",
  cpu_rt_period: "1000",
  cpu_rt_runtime: "950",
  cpu_shares: "512",
  cpus: "0.5",
  cpuset: '"0-1"',
  credential_spec: "{ file: x.json }",
  depends_on: "[db]",
  deploy: "{ replicas: 2, resources: { limits: { memory: 256m } } }",
  develop: "{ watch: [{ action: sync, path: ./src, target: /app/src }] }",
  device_cgroup_rules: '["c 1:3 mr"]',
  devices: '["/dev/ttyUSB0:/dev/ttyUSB0"]',
  dns: '["10.0.0.53"]',
  dns_opt: '["ndots:2"]',
  dns_search: "[example.com]",
  domainname: "example.com",
  entrypoint: '["/bin/sh", "-c"]',
  env_file: "[./web.env]",
  environment: "{ MODE: dev }",
  expose: '["3000"]',
  extends: "{ service: db }",
  external_links: '["redis_1"]',
  extra_hosts: '["gateway=10.0.0.1"]',
  gpus: "all",
  group_add: '["1001"]',
  healthcheck: '{ test: ["CMD", "true"], interval: 5s }',
  hostname: "web1",
  image: "web:2",
  init: "true",
  ipc: '"service:db"',
  isolation: "default",
  label_file: "./web.labels",
  labels: "{ tier: front }",
  links: "[db]",
  logging: "{ driver: json-file }",
  mac_address: '"02:42:ac:11:65:43"',
  mem_limit: "256m",
  mem_reservation: "128m",
  mem_swappiness: "10",
  memswap_limit: "1g",
  models: "[m]",
  network_mode: '"service:db"',
  networks: "[front]",
  oom_kill_disable: "true",
  oom_score_adj: "100",
  pid: "host",
  pids_limit: "100",
  platform: "linux/amd64",
  ports: '["8080:80"]',
  post_start: '[{ command: ["touch", "/tmp/up"] }]',
  pre_start: '[{ command: ["true"] }]',
  pre_stop: '[{ command: ["touch", "/tmp/down"] }]',
  privileged: "true",
  profiles: "[dev]",
  provider: "{ type: x }",
  pull_policy: "always",
  pull_refresh_after: "1h",
  read_only: "true",
  restart: "always",
  runtime: "runc",
  scale: "2",
  secrets: "[s1]",
  security_opt: '["no-new-privileges:true"]',
  shm_size: "128m",
  stdin_open: "true",
  stop_grace_period: "5s",
  stop_signal: "SIGINT",
  storage_opt: "{ size: 1G }",
  sysctls: "{ net.core.somaxconn: '1024' }",
  tmpfs: "[/tmp]",
  tty: "true",
  ulimits: "{ nofile: 65535 }",
  use_api_socket: "true",
  user: '"1000:1000"',
  userns_mode: "host",
  uts: "host",
  volumes: '["./src:/app/src"]',
  volumes_from: "[db]",
  working_dir: "/app",
};

/** A value for every build key, written under services.web.build (which has context: . already). */
const BUILD_SAMPLES: Readonly<Record<string, string>> = {
  additional_contexts: "{ base: ./src }",
  args: "{ VERSION: '1' }",
  cache_from: "[web:cache]",
  cache_to: '["type=local,dest=/tmp/c"]',
  context: "./src",
  dockerfile: "Dockerfile.dev",
  dockerfile_inline: '"FROM scratch"',
  entitlements: '["network.host"]',
  extra_hosts: '["gateway=10.0.0.1"]',
  isolation: "default",
  labels: "{ tier: front }",
  network: "host",
  no_cache: "true",
  no_cache_filter: "[deps]",
  platforms: '["linux/amd64"]',
  privileged: "true",
  provenance: "true",
  pull: "true",
  sbom: "true",
  secrets: "[s1]",
  shm_size: "128m",
  ssh: "[default]",
  tags: '["web:extra"]',
  target: "dev",
  ulimits: "{ nofile: 1024 }",
};

/** web with the key's sample; its baseline (no key) has an image, or a build when the key is image. */
const compose = (key: string | undefined, baselineOf?: string): string =>
  walkCompose(
    [...(key === "image" ? [] : [baselineOf === "image" ? "build: ." : "image: web:1"]), ...(key === undefined ? [] : [`${key}: ${SAMPLES[key] ?? "x"}`])],
    key === "models" ? ["models: { m: { model: ai/smollm2 } }"] : [],
  );

const configOf = (p: ComposeProject, part?: string): string => {
  const web = (toComposeModel(p)["services"] as Record<string, Record<string, unknown>>)["web"];
  return JSON.stringify(part === undefined ? web : web?.[part]);
};

/** What the walk finds missing for one key: place → what is wrong. */
const gapsOf = (key: string): Gaps => {
  const gaps: Gaps = {};
  if (SAMPLES[key] === undefined) return { sample: "no sample value in SAMPLES" };
  const support = supportFor(`services.web.${key}`);
  if (support === undefined) gaps.support = "no entry in translate/support.ts";
  const baseline = loadWalk(compose(undefined, key));
  const project = loadWalk(compose(key));
  const carried = modelOf(project) !== modelOf(baseline);

  const merge = mergeGap(compose(key), `services:\n  web:\n    ${key}: ${SAMPLES[key]}\n`, (p) => modelOf(p));
  if (merge !== undefined) gaps.merge = merge;

  if (carried) {
    if (configOf(project) === configOf(baseline)) gaps["to-compose-model"] = "the model carries the key but devloop config does not show it";
    const before = presentServiceKeys(withoutSourceMap(baseline), baseline.services["web"]!);
    const after = presentServiceKeys(withoutSourceMap(project), project.services["web"]!);
    if (JSON.stringify(after) === JSON.stringify(before)) gaps["present-keys"] = "a project without a source map does not count the key as used";
  }

  if (support?.status === SupportStatus.translated) {
    const result = toManifests(project, { namespace: "walk" });
    const row = result.translation.find((e) => e.service === "web" && e.composePath === `services.web.${key}`);
    if (row === undefined) gaps["translation-view"] = "no row in the translation view";
    else if (row.status !== "ignored" && row.kubeFields.length === 0) gaps["translation-view"] = "its row names no Kubernetes field";
  }
  return gaps;
};

const serviceKeys = [...(SCHEMA["services.*"] ?? [])].sort();
const buildKeys = [...(SCHEMA["services.*.build"] ?? [])].sort();

/** The project with web built (context: .), the build key's sample under build. */
const buildCompose = (key: string | undefined): string =>
  walkCompose(["build:", `  context: ${key === "context" ? BUILD_SAMPLES["context"] : "."}`, ...(key === undefined || key === "context" ? [] : [`  ${key}: ${BUILD_SAMPLES[key] ?? "x"}`])]);

/** The places a build key must be handled: support, merge, to-compose-model, and (ignored keys) the warning for a project built in code. */
const buildGapsOf = (key: string): Gaps => {
  if (BUILD_SAMPLES[key] === undefined) return { sample: "no sample value in BUILD_SAMPLES" };
  const gaps: Gaps = {};
  const path = `services.web.build.${key}`;
  const support = supportFor(path);
  if (support === undefined) gaps.support = "no entry in translate/support.ts";
  const baseline = loadWalk(buildCompose(undefined));
  const project = loadWalk(buildCompose(key));
  const merge = mergeGap(buildCompose(key), `services:\n  web:\n    build:\n      ${key}: ${BUILD_SAMPLES[key]}\n`, (p) => modelOf(p));
  if (merge !== undefined) gaps.merge = merge;
  if (modelOf(project) !== modelOf(baseline)) {
    if (configOf(project, "build") === configOf(baseline, "build")) gaps["to-compose-model"] = "the model carries the key but devloop config does not show it";
  }
  if (support?.status === SupportStatus.ignored) {
    const warned = (p: ComposeProject): boolean => toManifests(p, { namespace: "walk" }).warnings.some((w) => w.path === path);
    if (!warned(project)) gaps.support = "marked ignored, but no warning names it";
    else if (!warned(withoutSourceMap(project))) gaps["present-keys"] = "a project built in code (no source map) that sets it gets no warning (translate/ignored-keys.ts modelHasBuildKey)";
  }
  return gaps;
};

describe("compose schema walk: every service key is handled in each place (docs/adding-a-compose-key.md)", () => {
  it("walks the whole schema", () => {
    expect(serviceKeys.length).toBeGreaterThan(90);
    expect(Object.keys(SAMPLES).filter((k) => !serviceKeys.includes(k))).toEqual([]);
    expect(Object.keys(BUILD_SAMPLES).filter((k) => !buildKeys.includes(k))).toEqual([]);
    expect(Object.keys(KNOWN).filter((k) => !serviceKeys.includes(k) && !buildKeys.includes(k.replace(/^build\./, "")))).toEqual([]);
  });

  it.each([...serviceKeys, ...buildKeys.map((k) => `build.${k}`)])("services.*.%s", (key) => {
    const gaps = key.startsWith("build.") ? buildGapsOf(key.slice("build.".length)) : gapsOf(key);
    const { unexplained, stale } = judge(gaps, KNOWN[key] ?? {});
    expect(unexplained, `services.*.${key} is not handled everywhere (see docs/adding-a-compose-key.md)`).toEqual([]);
    expect(stale, `KNOWN (known-gaps.ts) lists places for services.*.${key} that are handled now: remove them`).toEqual([]);
  });
});
