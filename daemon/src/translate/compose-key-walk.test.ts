/**
 * The walk over the compose schema (compose/schema.ts) that docs/adding-a-compose-key.md asks for: every service key
 * the loader accepts is loaded from a sample, by the real loader, and followed through each place a key must be
 * handled. A key added to the schema and forgotten in one of them fails here, unless KNOWN says why that place
 * does not apply to it.
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
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import { SCHEMA } from "../compose/schema.js";
import { toComposeModel } from "../compose/to-compose-model.js";
import type { ComposeProject } from "../compose/types.js";
import { toManifests } from "./index.js";
import { presentServiceKeys } from "./present-keys.js";
import { SupportStatus, supportFor } from "./support.js";

type Place = "sample" | "support" | "merge" | "to-compose-model" | "present-keys" | "translation-view";

/** A value for every service key (YAML flow style), written under services.web of BASE. */
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

/**
 * Places that do not apply to a key, or gaps left on purpose, each with the reason. The walk also fails when an
 * entry here is no longer needed, so the list stays true.
 */
const APPENDED = "a list compose-go appends too (it is not in compose-go's unique list, override/uncity.go): an override that repeats an entry keeps it twice, as docker compose does";
const KNOWN: Readonly<Record<string, Partial<Record<Place, string>>>> = {
  develop: { merge: `develop.watch is ${APPENDED}` },
  extends: {
    merge: "extends is resolved in each file before the files are merged (as compose-go does), so an override can only extend a service of its own file; the sample's db is in the base file",
    "translation-view": "resolved by the loader: the service is the extended result, and its keys have the rows",
  },
  group_add: { merge: `group_add is ${APPENDED}` },
  post_start: { merge: `post_start is ${APPENDED}` },
  pre_stop: { merge: `pre_stop is ${APPENDED}` },
  volumes_from: { merge: `volumes_from is ${APPENDED}` },
  profiles: { "translation-view": "resolved by the loader: a disabled service is not rendered, so profiles becomes no Kubernetes field" },
  "build.cache_from": { merge: `build.cache_from is ${APPENDED}` },
  "build.cache_to": { merge: `build.cache_to is ${APPENDED}` },
  "build.entitlements": { merge: `build.entitlements is ${APPENDED}` },
  "build.no_cache_filter": { merge: `build.no_cache_filter is ${APPENDED}` },
  "build.platforms": { merge: `build.platforms is ${APPENDED}` },
  "build.secrets": { merge: `build.secrets is ${APPENDED}` },
  restart: { "translation-view": "a Deployment restarts its pods whatever restart says, so the row names no field (a Job's names restartPolicy and backoffLimit); the sample is a Deployment" },
};

const files = (compose: string, override?: string): Record<string, string> => ({
  "/p/compose.yml": compose,
  ...(override === undefined ? {} : { "/p/compose.override.yml": override }),
  "/p/Dockerfile": "FROM scratch\n",
  "/p/s1": "secret\n",
  "/p/c1": "config\n",
  "/p/web.env": "FROM_FILE=1\n",
  "/p/web.labels": "from.file=1\n",
  "/p/src/index.js": "\n",
  "/p/base.yml": "services:\n  base:\n    image: base:1\n",
  "/p/inc/compose.yml": "services:\n  inc:\n    image: inc:1\n",
  "/p/inc.env": "X=1\n",
});

/** The project every key is written into: web (the key's service) and db (for depends_on, extends, joins). web has an image, or a build for the image key's baseline. */
const compose = (key: string | undefined, baselineOf?: string): string =>
  [
    "services:",
    "  web:",
    ...(key === "image" ? [] : [baselineOf === "image" ? "    build: ." : "    image: web:1"]),
    ...(key === undefined ? [] : [`    ${key}: ${SAMPLES[key] ?? "x"}`]),
    "  db:",
    "    image: db:1",
    "networks: { front: {} }",
    "secrets: { s1: { file: ./s1 } }",
    "configs: { c1: { file: ./c1 } }",
    "volumes: { data: {}, data2: {} }",
    ...(key === "models" ? ["models: { m: { model: ai/smollm2 } }"] : []),
    "",
  ].join("\n");

const load = (yaml: string, override?: string): ComposeProject => {
  const loaded = loadProject({ files: [], profiles: ["dev"], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem(files(yaml, override)));
  if (!loaded.ok) throw new Error(`does not load:\n${yaml}\n${loaded.diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`).join("\n")}`);
  return loaded.project;
};

/** The model of one service as data (what the loader carries), without the service's name. */
const modelOf = (project: ComposeProject, service = "web"): string => JSON.stringify(project.services[service]);
const withoutSourceMap = (project: ComposeProject): ComposeProject => ({ ...project, sourceMap: {} });


/** What the walk finds missing for one key: place → what is wrong. */
const gapsOf = (key: string): Partial<Record<Place, string>> => {
  const gaps: Partial<Record<Place, string>> = {};
  if (SAMPLES[key] === undefined) return { sample: "no sample value in SAMPLES" };
  const support = supportFor(`services.web.${key}`);
  if (support === undefined) gaps.support = "no entry in translate/support.ts";
  const baseline = load(compose(undefined, key));
  const project = load(compose(key));
  const carried = modelOf(project) !== modelOf(baseline);

  try {
    const merged = load(compose(key), `services:\n  web:\n    ${key}: ${SAMPLES[key]}\n`);
    if (modelOf(merged) !== modelOf(project)) gaps.merge = `repeating the key in an override file changes the model: ${modelOf(merged)}`;
  } catch (error) {
    gaps.merge = `an override file that repeats the key does not load: ${error instanceof Error ? error.message : String(error)}`;
  }

  if (carried) {
    const config = (p: ComposeProject): string => JSON.stringify((toComposeModel(p)["services"] as Record<string, unknown>)["web"]);
    if (config(project) === config(baseline)) gaps["to-compose-model"] = "the model carries the key but devloop config does not show it";
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
const buildCompose = (key: string | undefined): string => {
  const build = ["    build:", `      context: ${key === "context" ? BUILD_SAMPLES["context"] : "."}`, ...(key === undefined || key === "context" ? [] : [`      ${key}: ${BUILD_SAMPLES[key] ?? "x"}`])];
  return compose(undefined).replace("    image: web:1\n", `${build.join("\n")}\n`);
};

/** The places a build key must be handled: support, merge, to-compose-model, and (ignored keys) the warning for a project built in code. */
const buildGapsOf = (key: string): Partial<Record<Place, string>> => {
  if (BUILD_SAMPLES[key] === undefined) return { sample: "no sample value in BUILD_SAMPLES" };
  const gaps: Partial<Record<Place, string>> = {};
  const path = `services.web.build.${key}`;
  const support = supportFor(path);
  if (support === undefined) gaps.support = "no entry in translate/support.ts";
  const baseline = load(buildCompose(undefined));
  const project = load(buildCompose(key));
  const merged = load(buildCompose(key), `services:\n  web:\n    build:\n      ${key}: ${BUILD_SAMPLES[key]}\n`);
  if (modelOf(merged) !== modelOf(project)) gaps.merge = `repeating the key in an override file changes the model: ${modelOf(merged)}`;
  if (modelOf(project) !== modelOf(baseline)) {
    const config = (p: ComposeProject): string => JSON.stringify(((toComposeModel(p)["services"] as Record<string, Record<string, unknown>>)["web"] ?? {})["build"]);
    if (config(project) === config(baseline)) gaps["to-compose-model"] = "the model carries the key but devloop config does not show it";
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
    const known = KNOWN[key] ?? {};
    const unexplained = Object.entries(gaps).filter(([place]) => known[place as Place] === undefined).map(([place, what]) => `${place}: ${what}`);
    expect(unexplained, `services.*.${key} is not handled everywhere (see docs/adding-a-compose-key.md)`).toEqual([]);
    const stale = Object.keys(known).filter((place) => gaps[place as Place] === undefined);
    expect(stale, `KNOWN lists places for services.*.${key} that are handled now: remove them`).toEqual([]);
  });
});

/**
 * The keys below a service key (healthcheck.*, deploy.*, ports[].*, volumes[].* …): each is written into the smallest
 * value of its parent that loads (`{}` marks where it goes), with and without the key. Two places apply to them: an
 * override that repeats the service changes nothing, and what the key changes in the model `devloop config` shows.
 */
const SUB_PARENTS: Readonly<Record<string, { readonly yaml: string; readonly required?: Readonly<Record<string, string>> }>> = {
  "services.*.healthcheck": { yaml: "healthcheck: {}", required: { test: '["CMD", "true"]' } },
  "services.*.deploy": { yaml: "deploy: {}" },
  "services.*.deploy.resources": { yaml: "deploy: { resources: {} }" },
  "services.*.deploy.resources.limits": { yaml: "deploy: { resources: { limits: {} } }" },
  "services.*.deploy.resources.reservations": { yaml: "deploy: { resources: { reservations: {} } }" },
  "services.*.deploy.restart_policy": { yaml: "deploy: { restart_policy: {} }" },
  "services.*.deploy.update_config": { yaml: "deploy: { update_config: {} }" },
  "services.*.deploy.rollback_config": { yaml: "deploy: { rollback_config: {} }" },
  "services.*.deploy.placement": { yaml: "deploy: { placement: {} }" },
  "services.*.depends_on.*": { yaml: "depends_on: { db: {} }", required: { condition: "service_started" } },
  "services.*.ports[]": { yaml: "ports: [{}]", required: { target: "80" } },
  "services.*.volumes[]": { yaml: "volumes: [{}]", required: { type: "volume", source: "data", target: "/data" } },
  "services.*.volumes[].bind": { yaml: "volumes: [{ type: bind, source: ./src, target: /app/src, bind: {} }]" },
  "services.*.volumes[].volume": { yaml: "volumes: [{ type: volume, source: data, target: /data, volume: {} }]" },
  "services.*.volumes[].tmpfs": { yaml: "volumes: [{ type: tmpfs, target: /cache, tmpfs: {} }]" },
  "services.*.develop": { yaml: "develop: {}" },
  "services.*.develop.watch[]": { yaml: "develop: { watch: [{}] }", required: { action: "sync", path: "./src", target: "/app/src" } },
  "services.*.develop.watch[].exec": { yaml: "develop: { watch: [{ action: sync+exec, path: ./src, target: /app/src, exec: {} }] }", required: { command: '["true"]' } },
  "services.*.post_start[]": { yaml: "post_start: [{}]", required: { command: '["true"]' } },
  "services.*.pre_stop[]": { yaml: "pre_stop: [{}]", required: { command: '["true"]' } },
  "services.*.pre_start[]": { yaml: "pre_start: [{}]", required: { command: '["true"]' } },
  "services.*.secrets[]": { yaml: "secrets: [{}]", required: { source: "s1" } },
  "services.*.configs[]": { yaml: "configs: [{}]", required: { source: "c1" } },
  "services.*.env_file[]": { yaml: "env_file: [{}]", required: { path: "./web.env" } },
  "services.*.extends": { yaml: "extends: {}", required: { service: "db" } },
  "services.*.logging": { yaml: "logging: {}" },
  "services.*.networks.*": { yaml: "networks: { front: {} }" },
};

/** A value per sub-key, by "<parent pattern>.<key>" without the "services.*." prefix. */
const SUB_SAMPLES: Readonly<Record<string, string>> = {
  "healthcheck.test": '["CMD", "check"]',
  "healthcheck.interval": "5s",
  "healthcheck.timeout": "3s",
  "healthcheck.retries": "5",
  "healthcheck.start_period": "10s",
  "healthcheck.start_interval": "2s",
  "healthcheck.disable": "true",
  "deploy.mode": "global",
  "deploy.replicas": "2",
  "deploy.labels": "{ tier: front }",
  "deploy.endpoint_mode": "dnsrr",
  "deploy.resources": "{ limits: { cpus: '0.5' } }",
  "deploy.restart_policy": "{ condition: on-failure }",
  "deploy.update_config": "{ parallelism: 2 }",
  "deploy.rollback_config": "{ parallelism: 2 }",
  "deploy.placement": "{ constraints: [node.hostname==n1] }",
  "deploy.resources.limits": "{ memory: 256m }",
  "deploy.resources.reservations": "{ memory: 128m }",
  "deploy.resources.limits.cpus": "'0.5'",
  "deploy.resources.limits.memory": "256m",
  "deploy.resources.limits.pids": "100",
  "deploy.resources.limits.devices": "[{ capabilities: [gpu] }]",
  "deploy.resources.limits.generic_resources": "[{ discrete_resource_spec: { kind: gpu, value: 1 } }]",
  "deploy.resources.reservations.cpus": "'0.25'",
  "deploy.resources.reservations.memory": "128m",
  "deploy.resources.reservations.pids": "100",
  "deploy.resources.reservations.devices": "[{ capabilities: [gpu] }]",
  "deploy.resources.reservations.generic_resources": "[{ discrete_resource_spec: { kind: gpu, value: 1 } }]",
  "deploy.restart_policy.condition": "on-failure",
  "deploy.restart_policy.delay": "5s",
  "deploy.restart_policy.max_attempts": "3",
  "deploy.restart_policy.window": "1m",
  "deploy.update_config.parallelism": "2",
  "deploy.update_config.delay": "5s",
  "deploy.update_config.failure_action": "rollback",
  "deploy.update_config.monitor": "10s",
  "deploy.update_config.max_failure_ratio": "0.1",
  "deploy.update_config.order": "start-first",
  "deploy.rollback_config.parallelism": "2",
  "deploy.rollback_config.delay": "5s",
  "deploy.rollback_config.failure_action": "pause",
  "deploy.rollback_config.monitor": "10s",
  "deploy.rollback_config.max_failure_ratio": "0.1",
  "deploy.rollback_config.order": "start-first",
  "deploy.placement.constraints": "[node.hostname==n1]",
  "deploy.placement.preferences": "[{ spread: node.labels.zone }]",
  "deploy.placement.max_replicas_per_node": "1",
  "depends_on.*.condition": "service_healthy",
  "depends_on.*.required": "false",
  "depends_on.*.restart": "true",
  "ports[].name": "web",
  "ports[].target": "8080",
  "ports[].published": '"8080"',
  "ports[].host_ip": "127.0.0.1",
  "ports[].protocol": "udp",
  "ports[].app_protocol": "http",
  "ports[].mode": "host",
  "volumes[].type": "bind",
  "volumes[].source": "data2",
  "volumes[].target": "/data2",
  "volumes[].read_only": "true",
  "volumes[].consistency": "cached",
  "volumes[].bind": "{ create_host_path: false }",
  "volumes[].volume": "{ nocopy: true }",
  "volumes[].tmpfs": "{ size: 1m }",
  "volumes[].image": "{ subpath: x }",
  "volumes[].bind.propagation": "rshared",
  "volumes[].bind.create_host_path": "false",
  "volumes[].bind.selinux": "z",
  "volumes[].bind.recursive": "readonly",
  "volumes[].volume.nocopy": "true",
  "volumes[].volume.subpath": "sub",
  "volumes[].volume.labels": "{ a: b }",
  "volumes[].tmpfs.size": "1m",
  "volumes[].tmpfs.mode": "0o1777",
  "develop.watch": "[{ action: rebuild, path: ./src }]",
  "develop.watch[].action": "sync+restart",
  "develop.watch[].path": "./lib",
  "develop.watch[].target": "/app/lib",
  "develop.watch[].ignore": "[node_modules/]",
  "develop.watch[].include": '["*.js"]',
  "develop.watch[].initial_sync": "true",
  "develop.watch[].exec": '{ command: ["true"] }',
  "develop.watch[].exec.command": '["make"]',
  "develop.watch[].exec.user": "root",
  "develop.watch[].exec.working_dir": "/app",
  "develop.watch[].exec.privileged": "true",
  "develop.watch[].exec.environment": "{ A: b }",
  "post_start[].command": '["touch", "/tmp/x"]',
  "post_start[].user": "root",
  "post_start[].privileged": "true",
  "post_start[].working_dir": "/app",
  "post_start[].environment": "{ A: b }",
  "pre_stop[].command": '["touch", "/tmp/x"]',
  "pre_stop[].user": "root",
  "pre_stop[].privileged": "true",
  "pre_stop[].working_dir": "/app",
  "pre_stop[].environment": "{ A: b }",
  "pre_start[].command": '["touch", "/tmp/x"]',
  "pre_start[].user": "root",
  "pre_start[].privileged": "true",
  "pre_start[].working_dir": "/app",
  "pre_start[].environment": "{ A: b }",
  "secrets[].source": "s1",
  "secrets[].target": "/run/s",
  "secrets[].uid": '"1000"',
  "secrets[].gid": '"1000"',
  "secrets[].mode": "0o400",
  "configs[].source": "c1",
  "configs[].target": "/etc/c",
  "configs[].uid": '"1000"',
  "configs[].gid": '"1000"',
  "configs[].mode": "0o444",
  "env_file[].path": "./web.env",
  "env_file[].required": "false",
  "env_file[].format": "raw",
  "extends.service": "db",
  "extends.file": "./base.yml",
  "logging.driver": "json-file",
  "logging.options": "{ max-size: 1m }",
  "networks.*.aliases": "[www]",
  "networks.*.ipv4_address": "172.16.0.10",
  "networks.*.ipv6_address": "2001:db8::10",
  "networks.*.link_local_ips": "[169.254.0.10]",
  "networks.*.mac_address": '"02:42:ac:11:65:43"',
  "networks.*.driver_opts": "{ a: b }",
  "networks.*.priority": "100",
  "networks.*.gw_priority": "1",
  "networks.*.interface_name": "eth1",
};

/** Sub-keys whose places do not apply, or gaps left on purpose, with the reason. */
const SUB_KNOWN: Readonly<Record<string, Partial<Record<Place, string>>>> = {
  "deploy.placement": { merge: `its constraints and preferences are each ${APPENDED}` },
  "deploy.placement.constraints": { merge: `deploy.placement.constraints is ${APPENDED}` },
  "deploy.placement.preferences": { merge: `deploy.placement.preferences is ${APPENDED}` },
};

/** The YAML of web with the parent written, the sub-key in it (or not, for the baseline). */
const subCompose = (pattern: string, key: string | undefined): { compose: string; web: string } => {
  const parent = SUB_PARENTS[pattern];
  if (parent === undefined) throw new Error(`no parent for ${pattern}`);
  const short = pattern.slice("services.*.".length);
  const fields = Object.entries(parent.required ?? {}).filter(([k]) => k !== key).map(([k, v]) => `${k}: ${v}`);
  if (key !== undefined) fields.push(`${key}: ${SUB_SAMPLES[`${short}.${key}`] ?? "x"}`);
  const web = parent.yaml.replace("{}", `{ ${fields.join(", ")} }`);
  // extends.file names base.yml, whose service is base.
  const withService = key === "file" && pattern === "services.*.extends" ? web.replace("service: db", "service: base") : web;
  return { compose: compose(undefined).replace("    image: web:1\n", `    image: web:1\n    ${withService}\n`), web: withService };
};

const subGapsOf = (pattern: string, key: string): Partial<Record<Place, string>> => {
  const short = pattern.slice("services.*.".length);
  if (SUB_SAMPLES[`${short}.${key}`] === undefined) return { sample: `no sample value in SUB_SAMPLES["${short}.${key}"]` };
  const gaps: Partial<Record<Place, string>> = {};
  const withKey = subCompose(pattern, key);
  const project = load(withKey.compose);
  const baseline = load(subCompose(pattern, undefined).compose);
  try {
    const merged = load(withKey.compose, `services:\n  web:\n    ${withKey.web}\n`);
    if (modelOf(merged) !== modelOf(project)) gaps.merge = `repeating it in an override file changes the model: ${modelOf(merged)}`;
  } catch (error) {
    gaps.merge = `an override file that repeats it does not load: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (modelOf(project) !== modelOf(baseline)) {
    const config = (p: ComposeProject): string => JSON.stringify((toComposeModel(p)["services"] as Record<string, unknown>)["web"]);
    if (config(project) === config(baseline)) gaps["to-compose-model"] = "the model carries it but devloop config does not show it";
  }
  return gaps;
};

const subKeys = Object.keys(SUB_PARENTS).flatMap((pattern) => [...(SCHEMA[pattern] ?? [])].sort().map((key) => `${pattern.slice("services.*.".length)}.${key}`));
const patternOf = (subKey: string): { pattern: string; key: string } => {
  const cut = subKey.lastIndexOf(".");
  return { pattern: `services.*.${subKey.slice(0, cut)}`, key: subKey.slice(cut + 1) };
};

describe("compose schema walk: every key below a service key merges and shows in devloop config", () => {
  it("walks every service sub-key pattern of the schema", () => {
    const patterns = Object.keys(SCHEMA).filter((p) => p.startsWith("services.*.") && p !== "services.*.build");
    expect(patterns.filter((p) => SUB_PARENTS[p] === undefined)).toEqual([]);
    expect(Object.keys(SUB_SAMPLES).filter((k) => !subKeys.includes(k))).toEqual([]);
    expect(Object.keys(SUB_KNOWN).filter((k) => !subKeys.includes(k))).toEqual([]);
  });

  it.each(subKeys)("services.*.%s", (subKey) => {
    const { pattern, key } = patternOf(subKey);
    const gaps = subGapsOf(pattern, key);
    // A list the parent key appends (KNOWN, e.g. post_start) appends its items' keys too.
    const top = subKey.split(/[.[]/)[0] ?? "";
    const inherited = KNOWN[top]?.merge === undefined ? {} : { merge: `inherited from ${top}: ${KNOWN[top]?.merge ?? ""}` };
    const known: Partial<Record<Place, string>> = { ...inherited, ...SUB_KNOWN[subKey] };
    const unexplained = Object.entries(gaps).filter(([place]) => known[place as Place] === undefined).map(([place, what]) => `${place}: ${what}`);
    expect(unexplained, `services.*.${subKey} is not handled everywhere (see docs/adding-a-compose-key.md)`).toEqual([]);
    const stale = Object.keys(SUB_KNOWN[subKey] ?? {}).filter((place) => gaps[place as Place] === undefined);
    expect(stale, `SUB_KNOWN lists places for services.*.${subKey} that are handled now: remove them`).toEqual([]);
  });
});

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

const TOP_KNOWN: Readonly<Record<string, Partial<Record<Place, string>>>> = {};

const topCompose = (pattern: string, key: string | undefined): string => {
  const parent = TOP_PARENTS[pattern];
  if (parent === undefined) throw new Error(`no parent for ${pattern}`);
  // A source key replaces the required source (a secret or config has exactly one).
  const replaces = key !== undefined && (key in (parent.required ?? {}) || (parent.sources ?? []).includes(key));
  const fields = Object.entries(parent.required ?? {}).filter(() => !replaces).map(([k, v]) => `${k}: ${v}`);
  if (key !== undefined) fields.push(`${key}: ${TOP_SAMPLES[`${pattern}.${key}`] ?? "x"}`);
  return compose(undefined).replace(`${parent.line}\n`, `${parent.yaml.replace("{}", `{ ${fields.join(", ")} }`)}\n`);
};

/** The project's resources as data (what the loader carries for them). */
const resourcesOf = (project: ComposeProject): string =>
  JSON.stringify({ volumes: project.volumes, networks: project.networks, secrets: project.secrets, configs: project.configs, services: Object.keys(project.services) });

const topGapsOf = (pattern: string, key: string): Partial<Record<Place, string>> => {
  if (TOP_SAMPLES[`${pattern}.${key}`] === undefined) return { sample: `no sample value in TOP_SAMPLES["${pattern}.${key}"]` };
  const gaps: Partial<Record<Place, string>> = {};
  const withKey = topCompose(pattern, key);
  const project = load(withKey);
  const baseline = load(topCompose(pattern, undefined));
  try {
    const merged = load(withKey, withKey);
    if (resourcesOf(merged) !== resourcesOf(project)) gaps.merge = `repeating it in an override file changes the model: ${resourcesOf(merged)}`;
  } catch (error) {
    gaps.merge = `an override file that repeats it does not load: ${error instanceof Error ? error.message : String(error)}`;
  }
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
    const gaps = topGapsOf(topKey.slice(0, cut), topKey.slice(cut + 1));
    const known = TOP_KNOWN[topKey] ?? {};
    const unexplained = Object.entries(gaps).filter(([place]) => known[place as Place] === undefined).map(([place, what]) => `${place}: ${what}`);
    expect(unexplained, `${topKey} is not handled everywhere (see docs/adding-a-compose-key.md)`).toEqual([]);
    const stale = Object.keys(known).filter((place) => gaps[place as Place] === undefined);
    expect(stale, `TOP_KNOWN lists places for ${topKey} that are handled now: remove them`).toEqual([]);
  });
});
