/**
 * Stage 5: the merged tree → the typed ComposeProject model (long syntax, absolute paths, defaults filled).
 * Type problems are reported at the offending node; a service with problems is still produced where possible
 * so later checks can report theirs too.
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import { resolveContainerEnvironment } from "./container-environment.js";
import type { LMap, LNode } from "./located.js";
import { get, isMap, joinPath, toPlain } from "./located.js";
import { createNormalizeContext, type NormalizeContext } from "./normalize-context.js";
import { normalizeExpose, normalizePorts } from "./ports.js";
import { normalizeProjectDelivery } from "./project-delivery.js";
import { normalizeBuild } from "./build.js";
import { normalizeCommand } from "./command.js";
import { normalizeDependsOn } from "./depends-on.js";
import { normalizeDeploy } from "./deploy.js";
import { normalizeDevelop } from "./develop.js";
import { normalizeExtraHosts } from "./extra-hosts.js";
import { normalizeFileRefs } from "./file-refs.js";
import { readLabelFiles } from "./label-files.js";
import { normalizeHealthcheck } from "./healthcheck.js";
import { normalizeLifecycleHooks } from "./lifecycle-hooks.js";
import type {
  ComposeFileSystem,
  DeploySpec,
  FileObjectSpec,
  NetworkSpec,
  ProjectDelivery,
  PullPolicy,
  ResourcesSpec,
  RestartPolicy,
  ServiceSpec,
  SourceLocation,
  VolumeSpec,
} from "./types.js";
import { normalizeServiceVolumes, type WindowsMountRef } from "./volumes.js";
import type { ExpansionBudget } from "./template.js";
import path from "node:path";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where references were written, for the semantic checks in validate. */
export interface ServiceRefs {
  readonly node: LMap;
  readonly dependsOn: ReadonlyMap<string, LNode>;
  readonly volumes: readonly { name: string; node: LNode; path: string }[];
  readonly secrets: readonly { name: string; node: LNode; path: string }[];
  readonly configs: readonly { name: string; node: LNode; path: string }[];
  readonly networks: readonly { name: string; node: LNode; path: string }[];
}

export interface NormalizedModel {
  readonly services: Record<string, ServiceSpec>;
  readonly refs: ReadonlyMap<string, ServiceRefs>;
  readonly volumes: Record<string, VolumeSpec>;
  readonly networks: Record<string, NetworkSpec>;
  readonly secrets: Record<string, FileObjectSpec>;
  readonly configs: Record<string, FileObjectSpec>;
  readonly extensions: Record<string, unknown>;
  /** The top-level x-devloop.image_delivery / registry (project-delivery.ts); absent when neither is set. */
  readonly delivery?: ProjectDelivery;
  readonly sourceMap: Record<string, SourceLocation>;
  readonly diagnostics: Diagnostic[];
}

export interface NormalizeParams {
  readonly root: LMap;
  readonly projectName: string;
  readonly interpolationEnv: Readonly<Record<string, string>>;
  readonly fs: ComposeFileSystem;
  readonly cwd: string;
  /** The load's interpolation budget (template.ts), for env_file values. */
  readonly budget?: ExpansionBudget;
}

const RESTART = ["no", "always", "on-failure", "unless-stopped"] as const;
const PULL = ["always", "never", "missing", "build", "if_not_present", "refresh", "daily", "weekly"] as const;
/** compose-spec.json pull_policy pattern: a refresh policy every_<duration>, units w d h m s (every_12h, every_1w2d). */
const PULL_EVERY = /^every_(\d+[wdhms])+$/;

const pullPolicy = (ctx: NormalizeContext, node: LNode | undefined, path: string): PullPolicy | undefined => {
  const s = ctx.str(node, path);
  if (s === undefined || node === undefined) return undefined;
  if (PULL_EVERY.test(s) || (PULL as readonly string[]).includes(s)) return s as PullPolicy;
  ctx.report("invalidValue", node, path, `${path} has an unsupported value`, {
    expected: `one of ${PULL.map((a) => JSON.stringify(a)).join(", ")} or every_<duration> (every_12h, every_1w2d)`,
    got: JSON.stringify(s),
  });
  return undefined;
};

const extensionsOf = (m: LMap | undefined): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, e] of m?.entries ?? []) if (k.startsWith("x-")) out[k] = toPlain(e.value);
  return out;
};

const stringMap = (ctx: NormalizeContext, node: LNode | undefined, p: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, { value }] of ctx.strMap(node, p) ?? []) out[k] = value ?? "";
  return out;
};

/**
 * Service keys whose entries a later diagnostic may name ("services.web.depends_on.db", "services.app.dns[1]"):
 * their children are located too, so the caret points at the entry rather than at the key above it.
 */
const LOCATED_CHILDREN: ReadonlySet<string> = new Set(["build", "depends_on", "sysctls", "group_add", "dns", "dns_search", "extra_hosts", "volumes_from"]);

/** Service keys located all the way down (deploy.placement.constraints[1], deploy.update_config): translate warns about sub-keys. */
const LOCATED_TREES: ReadonlySet<string> = new Set(["deploy"]);

const rememberTree = (p: string, node: LNode, remember: (p: string, node: { loc: LNode["loc"] }) => void): void => {
  if (node.kind === "map") {
    for (const [k, ke] of node.entries) {
      remember(`${p}.${k}`, { loc: ke.keyLoc });
      rememberTree(`${p}.${k}`, ke.value, remember);
    }
  } else if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      remember(`${p}[${i}]`, item);
      rememberTree(`${p}[${i}]`, item, remember);
    });
  }
};

const rememberChildren = (p: string, node: LNode, remember: (p: string, node: { loc: LNode["loc"] }) => void): void => {
  if (node.kind === "map") for (const [k, ke] of node.entries) remember(`${p}.${k}`, { loc: ke.keyLoc });
  else if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      remember(`${p}[${i}]`, item);
      // The list forms name the entry in the item: depends_on: [db], sysctls: ["net.core.somaxconn=1024"].
      if (item.kind === "scalar" && typeof item.value === "string") remember(`${p}.${item.value.split("=")[0] ?? ""}`, item);
    });
  }
};

const normalizeService = (ctx: NormalizeContext, name: string, svc: LMap, params: NormalizeParams): { spec: ServiceSpec; refs: ServiceRefs } => {
  const p = `services.${name}`;
  const at = (k: string): LNode | undefined => get(svc, k);
  const lookup = (k: string): string | undefined => (Object.hasOwn(params.interpolationEnv, k) ? params.interpolationEnv[k] : undefined);
  const home = lookup("HOME");
  const env = resolveContainerEnvironment({ ctx, service: svc, path: p, interpolationEnv: params.interpolationEnv, fs: params.fs, cwd: params.cwd, ...(params.budget ? { budget: params.budget } : {}) });
  const dependsOn = normalizeDependsOn(ctx, at("depends_on"), `${p}.depends_on`);
  const secrets = normalizeFileRefs(ctx, at("secrets"), `${p}.secrets`, "secrets");
  const configs = normalizeFileRefs(ctx, at("configs"), `${p}.configs`, "configs");
  const volumeRefs: { name: string; node: LNode; path: string }[] = [];
  const windowsMounts: WindowsMountRef[] = [];
  const volumes = normalizeServiceVolumes(ctx, at("volumes"), `${p}.volumes`, home, volumeRefs, windowsMounts);
  const networkRefs: { name: string; node: LNode; path: string }[] = [];
  const networks: Record<string, { aliases: readonly string[] }> = {};
  const netNode = at("networks");
  if (netNode?.kind === "seq") {
    netNode.items.forEach((item, i) => {
      const n = ctx.str(item, joinPath(`${p}.networks`, i));
      if (n === undefined) return;
      networks[n] = { aliases: [] };
      networkRefs.push({ name: n, node: item, path: `${p}.networks[${i}]` });
    });
  } else if (netNode !== undefined) {
    for (const [n, e] of ctx.map(netNode, `${p}.networks`)?.entries ?? []) {
      const nm = ctx.map(e.value, `${p}.networks.${n}`);
      networks[n] = { aliases: ctx.strList(get(nm, "aliases"), `${p}.networks.${n}.aliases`) ?? [] };
      networkRefs.push({ name: n, node: { ...e.value, loc: e.keyLoc }, path: `${p}.networks.${n}` });
    }
  }

  const spec: Mutable<ServiceSpec> = {
    name,
    environment: env.environment,
    environmentSources: env.sources,
    envFiles: env.envFiles,
    ports: normalizePorts(ctx, at("ports"), `${p}.ports`),
    expose: normalizeExpose(ctx, at("expose"), `${p}.expose`),
    volumes,
    tmpfs: ctx.strList(at("tmpfs"), `${p}.tmpfs`, { single: true }) ?? [],
    dependsOn: dependsOn.specs,
    replicas: 1,
    labels: { ...readLabelFiles({ ctx, node: at("label_file"), path: `${p}.label_file`, fs: params.fs, cwd: params.cwd }), ...stringMap(ctx, at("labels"), `${p}.labels`) },
    annotations: stringMap(ctx, at("annotations"), `${p}.annotations`),
    capAdd: ctx.strList(at("cap_add"), `${p}.cap_add`) ?? [],
    capDrop: ctx.strList(at("cap_drop"), `${p}.cap_drop`) ?? [],
    extraHosts: normalizeExtraHosts(ctx, at("extra_hosts"), `${p}.extra_hosts`),
    groupAdd: ctx.strList(at("group_add"), `${p}.group_add`) ?? [],
    dns: ctx.strList(at("dns"), `${p}.dns`, { single: true }) ?? [],
    dnsSearch: ctx.strList(at("dns_search"), `${p}.dns_search`, { single: true }) ?? [],
    dnsOpt: ctx.strList(at("dns_opt"), `${p}.dns_opt`) ?? [],
    sysctls: stringMap(ctx, at("sysctls"), `${p}.sysctls`),
    networks,
    secrets: secrets.refs,
    configs: configs.refs,
    profiles: ctx.strList(at("profiles"), `${p}.profiles`) ?? [],
    extensions: extensionsOf(svc),
  };
  const image = ctx.str(at("image"), `${p}.image`);
  if (image !== undefined) spec.image = image;
  const build = normalizeBuild(ctx, at("build"), `${p}.build`, lookup);
  if (build) spec.build = build;
  const entrypoint = normalizeCommand(ctx, at("entrypoint"), `${p}.entrypoint`);
  if (entrypoint !== undefined) spec.entrypoint = entrypoint;
  const command = normalizeCommand(ctx, at("command"), `${p}.command`);
  if (command !== undefined) spec.command = command;
  const healthcheck = normalizeHealthcheck(ctx, at("healthcheck"), `${p}.healthcheck`);
  if (healthcheck) spec.healthcheck = healthcheck;
  const deploy = withLegacyResources(ctx, normalizeDeploy(ctx, at("deploy"), `${p}.deploy`), svc, p);
  if (deploy) spec.deploy = deploy;
  const scaleNode = at("scale");
  const scale = ctx.num(scaleNode, `${p}.scale`, { integer: true, min: 0 });
  if (deploy?.replicas !== undefined && scale !== undefined && scale !== deploy.replicas && scaleNode) {
    ctx.report("conflictingReplicas", scaleNode, `${p}.scale`, `scale (${scale}) and deploy.replicas (${deploy.replicas}) disagree`, { hint: "keep only deploy.replicas" });
  }
  spec.replicas = deploy?.replicas ?? scale ?? 1;
  const restartNode = at("restart");
  if (restartNode !== undefined) {
    const text = ctx.str(restartNode, `${p}.restart`);
    const base = text?.replace(/^on-failure:\d+$/, "on-failure");
    if (base !== undefined && (RESTART as readonly string[]).includes(base)) spec.restart = base as RestartPolicy;
    else if (text !== undefined) ctx.oneOf(restartNode, `${p}.restart`, RESTART);
  }
  const strField = (key: string, set: (v: string) => void): void => {
    const v = ctx.str(at(key), `${p}.${key}`);
    if (v !== undefined) set(v);
  };
  const boolField = (key: string, set: (v: boolean) => void): void => {
    const v = ctx.bool(at(key), `${p}.${key}`);
    if (v !== undefined) set(v);
  };
  strField("user", (v) => (spec.user = v));
  strField("working_dir", (v) => (spec.workingDir = v));
  strField("hostname", (v) => (spec.hostname = v));
  strField("stop_signal", (v) => (spec.stopSignal = v));
  strField("platform", (v) => (spec.platform = v));
  strField("container_name", (v) => (spec.containerName = v));
  strField("network_mode", (v) => (spec.networkMode = v));
  strField("ipc", (v) => (spec.ipc = v));
  const volumesFrom = ctx.strList(at("volumes_from"), `${p}.volumes_from`);
  if (volumesFrom !== undefined) spec.volumesFrom = volumesFrom;
  boolField("init", (v) => (spec.init = v));
  boolField("tty", (v) => (spec.tty = v));
  boolField("stdin_open", (v) => (spec.stdinOpen = v));
  boolField("privileged", (v) => (spec.privileged = v));
  boolField("read_only", (v) => (spec.readOnly = v));
  const grace = ctx.duration(at("stop_grace_period"), `${p}.stop_grace_period`);
  if (grace !== undefined) spec.stopGracePeriod = grace / 1000;
  const provider = ctx.map(at("provider"), `${p}.provider`);
  if (provider !== undefined) spec.provider = ctx.str(get(provider, "type"), `${p}.provider.type`) ?? "";
  if (windowsMounts.length > 0) spec.windowsMounts = windowsMounts;
  if (at("pull_policy") !== undefined) {
    const pull = pullPolicy(ctx, at("pull_policy"), `${p}.pull_policy`);
    if (pull) spec.pullPolicy = pull;
  }
  const watch = normalizeDevelop(ctx, at("develop"), `${p}.develop`, home);
  if (watch) spec.develop = { watch };
  const shmSize = ctx.bytes(at("shm_size"), `${p}.shm_size`);
  if (shmSize !== undefined) spec.shmSize = shmSize;
  const postStart = normalizeLifecycleHooks(ctx, at("post_start"), `${p}.post_start`);
  if (postStart) spec.postStart = postStart;
  // pre_start is checked like the other hooks; translation warns that it is not run (support.ts).
  normalizeLifecycleHooks(ctx, at("pre_start"), `${p}.pre_start`);
  const preStop = normalizeLifecycleHooks(ctx, at("pre_stop"), `${p}.pre_stop`);
  if (preStop) spec.preStop = preStop;
  return {
    spec,
    refs: {
      node: svc,
      dependsOn: dependsOn.nodes,
      volumes: volumeRefs,
      secrets: secrets.refs.map((r, i) => ({ name: r.source, ...(secrets.nodes[i] as { node: LNode; path: string }) })),
      configs: configs.refs.map((r, i) => ({ name: r.source, ...(configs.nodes[i] as { node: LNode; path: string }) })),
      networks: networkRefs,
    },
  };
};

/**
 * The service-level resource keys (cpus, mem_limit, mem_reservation, pids_limit) mean the same as
 * deploy.resources; they fill it where deploy.resources says nothing.
 */
/** 536870912 → "512m" (the largest unit that divides it), as compose sizes are written. */
const humanBytes = (n: number): string => {
  for (const [unit, size] of [["g", 1024 ** 3], ["m", 1024 ** 2], ["k", 1024]] as const) if (n % size === 0) return `${n / size}${unit}`;
  return `${n}b`;
};

const withLegacyResources = (ctx: NormalizeContext, deploy: DeploySpec | undefined, svc: LMap, p: string): DeploySpec | undefined => {
  const cpus = ctx.num(get(svc, "cpus"), `${p}.cpus`, { min: 0 });
  const memLimit = ctx.bytes(get(svc, "mem_limit"), `${p}.mem_limit`);
  const memReservation = ctx.bytes(get(svc, "mem_reservation"), `${p}.mem_reservation`);
  const pids = ctx.num(get(svc, "pids_limit"), `${p}.pids_limit`, { integer: true });
  if (cpus === undefined && memLimit === undefined && memReservation === undefined && pids === undefined) return deploy;
  // compose-go refuses a service whose key and the deploy.resources block it would fill disagree, even when the
  // block just does not set that field (loader/validate.go: "can't set distinct values on 'cpus' and …").
  const conflict = (key: string, value: number | undefined, block: "limits" | "reservations", field: keyof ResourcesSpec): void => {
    const set = deploy?.resources[block];
    if (value === undefined || value === 0 || set === undefined || set[field] === value) return;
    const keyNode = get(svc, key);
    if (keyNode === undefined) return;
    const other = `deploy.resources.${block}.${field}`;
    const show = (v: number | undefined): string => (v === undefined ? "not set" : field === "memory" ? humanBytes(v) : String(v));
    ctx.report("conflictingResources", keyNode, `${p}.${key}`, `${key} (${show(value)}) and ${other} (${show(set[field])}) disagree`, {
      expected: `the same value in both, or only one of them`,
      got: `${key}: ${show(value)}, ${other}: ${show(set[field])}`,
      hint: `keep only ${other}; compose refuses distinct values too`,
    });
  };
  conflict("cpus", cpus, "limits", "cpus");
  conflict("mem_limit", memLimit, "limits", "memory");
  conflict("mem_reservation", memReservation, "reservations", "memory");
  conflict("pids_limit", pids, "limits", "pids");
  const base: DeploySpec = deploy ?? { resources: {}, labels: {} };
  const limits = { ...(cpus !== undefined ? { cpus } : {}), ...(memLimit !== undefined ? { memory: memLimit } : {}), ...(pids !== undefined && pids > 0 ? { pids } : {}), ...base.resources.limits };
  const reservations = { ...(memReservation !== undefined ? { memory: memReservation } : {}), ...base.resources.reservations };
  return {
    ...base,
    resources: { ...(Object.keys(limits).length > 0 ? { limits } : {}), ...(Object.keys(reservations).length > 0 ? { reservations } : {}) },
  };
};

/**
 * external: true / external: {name}. As compose-go: an external object is not created, so driver, driver_opts and
 * labels conflict with it ("conflicting parameters"), and the legacy external.name conflicts with name.
 */
const externalOf = (ctx: NormalizeContext, m: LMap | undefined, p: string): { external: boolean; name?: string } => {
  const node = get(m, "external");
  if (node === undefined) return { external: false };
  let result: { external: boolean; name?: string };
  if (node.kind === "map") {
    const nameNode = get(node, "name");
    const name = ctx.str(nameNode, `${p}.external.name`);
    if (name !== undefined && nameNode !== undefined && get(m, "name") !== undefined) {
      ctx.report("conflictingExternal", nameNode, `${p}.external.name`, `${p} sets both name and the legacy external.name`, {
        expected: "only name, with external: true",
        got: "name and external.name",
        hint: "remove external.name and keep name",
      });
    }
    result = name === undefined ? { external: true } : { external: true, name };
  } else {
    result = { external: ctx.bool(node, `${p}.external`) ?? false };
  }
  if (result.external) {
    for (const key of ["driver", "driver_opts", "labels"]) {
      const conflicting = get(m, key);
      if (conflicting === undefined) continue;
      ctx.report("conflictingExternal", conflicting, `${p}.${key}`, `${p} is external, so it cannot also set ${key}`, {
        expected: `external: true alone (the ${p.split(".")[0]?.replace(/s$/, "")} exists already), or ${key} without external`,
        got: `external: true and ${key}`,
      });
    }
  }
  return result;
};

const normalizeFileObjects = (ctx: NormalizeContext, node: LNode | undefined, kind: "secrets" | "configs", projectName: string): Record<string, FileObjectSpec> => {
  const out: Record<string, FileObjectSpec> = {};
  for (const [name, e] of ctx.map(node, kind)?.entries ?? []) {
    const p = `${kind}.${name}`;
    const m = ctx.map(e.value, p);
    const ext = externalOf(ctx, m, p);
    const spec: Mutable<FileObjectSpec> = { name: ctx.str(get(m, "name"), `${p}.name`) ?? ext.name ?? (ext.external ? name : `${projectName}_${name}`), external: ext.external };
    const fileNode = get(m, "file");
    const file = ctx.str(fileNode, `${p}.file`);
    if (file !== undefined && fileNode) spec.file = path.resolve(fileNode.loc.baseDir, file);
    const environment = ctx.str(get(m, "environment"), `${p}.environment`);
    if (environment !== undefined) spec.environment = environment;
    const content = ctx.str(get(m, "content"), `${p}.content`);
    if (content !== undefined) spec.content = content;
    const driver = ctx.str(get(m, "driver"), `${p}.driver`);
    if (driver !== undefined) spec.driver = driver;
    const sources = [file, environment, content].filter((s) => s !== undefined).length;
    // A driver alone is a source (compose-go accepts `driver:` with nothing else).
    if (!ext.external && sources !== 1 && !(sources === 0 && driver !== undefined)) {
      ctx.report("invalidFileObject", m ? { ...m, loc: e.keyLoc } : e.value, p, sources === 0 ? `${kind.slice(0, -1)} ${JSON.stringify(name)} has no source` : `${kind.slice(0, -1)} ${JSON.stringify(name)} has more than one source`, {
        expected: kind === "secrets" ? "exactly one of file, environment, or external: true" : "exactly one of file, environment, content, or external: true",
      });
    }
    out[name] = spec;
  }
  return out;
};

export const normalize = (params: NormalizeParams): NormalizedModel => {
  const diagnostics: Diagnostic[] = [];
  const ctx = createNormalizeContext(diagnostics);
  const { root, projectName } = params;
  const services: Record<string, ServiceSpec> = {};
  const refs = new Map<string, ServiceRefs>();
  const sourceMap: Record<string, SourceLocation> = {};
  const remember = (p: string, node: { loc: { file: string; line: number; column: number } }): void => {
    sourceMap[p] = { file: node.loc.file, line: node.loc.line, column: node.loc.column };
  };
  const servicesNode = get(root, "services");
  const servicesMap = ctx.map(servicesNode, "services");
  for (const [name, e] of servicesMap?.entries ?? []) {
    const p = `services.${name}`;
    remember(p, { loc: e.keyLoc });
    if (!isMap(e.value)) {
      ctx.wrongType(e.value, p, "a mapping (the service definition)");
      continue;
    }
    for (const [k, ke] of e.value.entries) {
      remember(`${p}.${k}`, { loc: ke.keyLoc });
      if (LOCATED_CHILDREN.has(k)) rememberChildren(`${p}.${k}`, ke.value, remember);
      if (LOCATED_TREES.has(k)) rememberTree(`${p}.${k}`, ke.value, remember);
    }
    const { spec, refs: r } = normalizeService(ctx, name, e.value, params);
    services[name] = spec;
    refs.set(name, r);
  }
  const volumes: Record<string, VolumeSpec> = {};
  for (const [name, e] of ctx.map(get(root, "volumes"), "volumes")?.entries ?? []) {
    const p = `volumes.${name}`;
    remember(p, { loc: e.keyLoc });
    const m = ctx.map(e.value, p);
    const ext = externalOf(ctx, m, p);
    const driverOpts: Record<string, string> = {};
    for (const [k, { value }] of ctx.strMap(get(m, "driver_opts"), `${p}.driver_opts`) ?? []) driverOpts[k] = value ?? "";
    const driver = ctx.str(get(m, "driver"), `${p}.driver`);
    volumes[name] = {
      name: ctx.str(get(m, "name"), `${p}.name`) ?? ext.name ?? (ext.external ? name : `${projectName}_${name}`),
      ...(driver !== undefined ? { driver } : {}),
      driverOpts,
      external: ext.external,
      labels: stringMap(ctx, get(m, "labels"), `${p}.labels`),
      extensions: extensionsOf(m),
    };
  }
  const networks: Record<string, NetworkSpec> = {};
  for (const [name, e] of ctx.map(get(root, "networks"), "networks")?.entries ?? []) {
    const p = `networks.${name}`;
    remember(p, { loc: e.keyLoc });
    const m = ctx.map(e.value, p);
    const ext = externalOf(ctx, m, p);
    const driver = ctx.str(get(m, "driver"), `${p}.driver`);
    networks[name] = {
      name: ctx.str(get(m, "name"), `${p}.name`) ?? ext.name ?? (ext.external ? name : `${projectName}_${name}`),
      external: ext.external,
      internal: ctx.bool(get(m, "internal"), `${p}.internal`) ?? false,
      ...(driver !== undefined ? { driver } : {}),
    };
  }
  // Top-level keys nothing above located (models, name, x-*): translate warns about the ignored ones at the key.
  const located = new Set(Object.keys(sourceMap).map((p) => p.split(/[.[]/, 1)[0]));
  for (const [k, e] of root.entries) if (!located.has(k)) remember(k, { loc: e.keyLoc });
  const delivery = normalizeProjectDelivery(ctx, root);
  return {
    services,
    refs,
    volumes,
    networks,
    secrets: normalizeFileObjects(ctx, get(root, "secrets"), "secrets", projectName),
    configs: normalizeFileObjects(ctx, get(root, "configs"), "configs", projectName),
    extensions: extensionsOf(root),
    ...(delivery === undefined ? {} : { delivery }),
    sourceMap,
    diagnostics,
  };
};
