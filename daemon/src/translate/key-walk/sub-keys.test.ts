/**
 * The compose schema walk below a service key (healthcheck.*, deploy.*, ports[].*, volumes[].*, develop.watch[].*,
 * hooks, networks.*.* …): see service-keys.test.ts and docs/adding-a-compose-key.md.
 */
import { describe, expect, it } from "vitest";
import { SCHEMA } from "../../compose/schema.js";
import { toComposeModel } from "../../compose/to-compose-model.js";
import type { ComposeProject } from "../../compose/types.js";
import { judge, SUB_KNOWN, subKnown, type Gaps } from "./known-gaps.js";
import { loadWalk, mergeGap, modelOf, walkCompose } from "./walk-project.js";

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
  return { compose: walkCompose(["image: web:1", withService]), web: withService };
};

const subGapsOf = (pattern: string, key: string): Gaps => {
  const short = pattern.slice("services.*.".length);
  if (SUB_SAMPLES[`${short}.${key}`] === undefined) return { sample: `no sample value in SUB_SAMPLES["${short}.${key}"]` };
  const gaps: Gaps = {};
  const withKey = subCompose(pattern, key);
  const project = loadWalk(withKey.compose);
  const baseline = loadWalk(subCompose(pattern, undefined).compose);
  const merge = mergeGap(withKey.compose, `services:\n  web:\n    ${withKey.web}\n`, (p) => modelOf(p));
  if (merge !== undefined) gaps.merge = merge;
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
    const { unexplained, stale } = judge(subGapsOf(pattern, key), subKnown(subKey), SUB_KNOWN[subKey] ?? {});
    expect(unexplained, `services.*.${subKey} is not handled everywhere (see docs/adding-a-compose-key.md)`).toEqual([]);
    expect(stale, `SUB_KNOWN (known-gaps.ts) lists places for services.*.${subKey} that are handled now: remove them`).toEqual([]);
  });
});
