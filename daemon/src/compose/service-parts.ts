/** Normalisers for the nested service blocks: build, healthcheck, deploy, depends_on, develop.watch, secrets/configs, command. */
import path from "node:path";
import type { LNode } from "./located.js";
import { describe, get, joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type {
  BuildSpec,
  DependsOnSpec,
  DeploySpec,
  HealthcheckSpec,
  ResourcesSpec,
  ServiceFileRefSpec,
  WatchRuleSpec,
} from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Splits a command string the way a POSIX shell would split words (quotes and backslashes). */
export const shellSplit = (text: string): string[] | undefined => {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else cur += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) cur += text[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(cur);
  return words;
};

/** command / entrypoint: a string is split like a shell would; a list is taken as is; empty means "reset". */
export const normalizeCommand = (ctx: NormalizeContext, node: LNode | undefined, p: string): readonly string[] | null | undefined => {
  if (node === undefined) return undefined;
  if (node.kind === "scalar") {
    if (node.value === null) return null;
    const words = shellSplit(String(node.value));
    if (words === undefined) {
      ctx.report("invalidValue", node, p, `${p} has an unterminated quote`, { expected: "a command string with balanced quotes, or a list", got: describe(node) });
      return undefined;
    }
    return words.length === 0 ? null : words;
  }
  const list = ctx.strList(node, p);
  return list === undefined ? undefined : list.length === 0 ? null : list;
};

/** A build context is a directory (made absolute) or a remote source (git URL, https://…), kept as written. */
const resolveContext = (baseDir: string, context: string): string =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith("git@") || context.startsWith("github.com/") ? context : path.resolve(baseDir, context);

export const normalizeBuild = (ctx: NormalizeContext, node: LNode | undefined, p: string, lookup: (k: string) => string | undefined): BuildSpec | undefined => {
  if (node === undefined) return undefined;
  if (node.kind === "scalar" && typeof node.value === "string") {
    return { context: resolveContext(node.loc.baseDir, node.value), dockerfile: "Dockerfile", args: {}, labels: {}, cacheFrom: [], extraHosts: [] };
  }
  const m = ctx.map(node, p);
  if (!m) {
    if (node.kind === "scalar" && node.value === null) ctx.wrongType(node, p, "a context path or a mapping");
    return undefined;
  }
  const contextNode = get(m, "context");
  const context = ctx.str(contextNode, `${p}.context`) ?? ".";
  const spec: Mutable<BuildSpec> = {
    context: resolveContext((contextNode ?? m).loc.baseDir, context),
    dockerfile: ctx.str(get(m, "dockerfile"), `${p}.dockerfile`) ?? "Dockerfile",
    args: {},
    labels: {},
    cacheFrom: ctx.strList(get(m, "cache_from"), `${p}.cache_from`) ?? [],
    extraHosts: [],
  };
  const args: Record<string, string> = {};
  for (const [k, { value }] of ctx.strMap(get(m, "args"), `${p}.args`) ?? []) {
    const v = value ?? lookup(k);
    if (v !== undefined) args[k] = v;
  }
  spec.args = args;
  const labels: Record<string, string> = {};
  for (const [k, { value }] of ctx.strMap(get(m, "labels"), `${p}.labels`) ?? []) labels[k] = value ?? "";
  spec.labels = labels;
  const hosts = ctx.strMap(get(m, "extra_hosts"), `${p}.extra_hosts`, "hostIp");
  spec.extraHosts = [...(hosts ?? [])].map(([host, { value }]) => ({ host, ip: value ?? "" }));
  const inline = ctx.str(get(m, "dockerfile_inline"), `${p}.dockerfile_inline`);
  if (inline !== undefined) spec.dockerfileInline = inline;
  const target = ctx.str(get(m, "target"), `${p}.target`);
  if (target !== undefined) spec.target = target;
  const network = ctx.str(get(m, "network"), `${p}.network`);
  if (network !== undefined) spec.network = network;
  const shm = ctx.bytes(get(m, "shm_size"), `${p}.shm_size`);
  if (shm !== undefined) spec.shmSize = shm;
  return spec;
};

export const normalizeHealthcheck = (ctx: NormalizeContext, node: LNode | undefined, p: string): HealthcheckSpec | undefined => {
  const m = ctx.map(node, p);
  if (!m) return undefined;
  const testNode = get(m, "test");
  let test: string[] = [];
  if (testNode !== undefined) {
    if (testNode.kind === "scalar" && typeof testNode.value === "string") test = ["CMD-SHELL", testNode.value];
    else {
      const list = ctx.strList(testNode, `${p}.test`) ?? [];
      const head = list[0];
      if (list.length > 0 && head !== "CMD" && head !== "CMD-SHELL" && head !== "NONE") {
        ctx.report("invalidHealthcheck", testNode, `${p}.test`, "a healthcheck test list must start with CMD, CMD-SHELL or NONE", {
          expected: '["CMD", "curl", "-f", "http://localhost"], ["CMD-SHELL", "curl -f http://localhost"] or a string',
          got: JSON.stringify(list),
          hint: `put "CMD" first: ${JSON.stringify(["CMD", ...list])}`,
        });
      } else if (head === "CMD-SHELL" && list.length !== 2) {
        ctx.report("invalidHealthcheck", testNode, `${p}.test`, "CMD-SHELL takes exactly one command string", { expected: '["CMD-SHELL", "one shell command"]', got: JSON.stringify(list) });
      } else if (head === "CMD" && list.length < 2) {
        ctx.report("invalidHealthcheck", testNode, `${p}.test`, "CMD needs a command", { expected: '["CMD", "program", "arg", …]', got: JSON.stringify(list) });
      }
      test = list;
    }
  }
  const disable = ctx.bool(get(m, "disable"), `${p}.disable`) ?? test[0] === "NONE";
  if (!disable && testNode === undefined) {
    ctx.report("invalidHealthcheck", m, p, "a healthcheck needs a test", { expected: 'test: ["CMD", …] or disable: true' });
  }
  const spec: Mutable<HealthcheckSpec> = { test: disable && test.length === 0 ? ["NONE"] : test, disable };
  const interval = ctx.duration(get(m, "interval"), `${p}.interval`);
  if (interval !== undefined) spec.interval = interval;
  const timeout = ctx.duration(get(m, "timeout"), `${p}.timeout`);
  if (timeout !== undefined) spec.timeout = timeout;
  const startPeriod = ctx.duration(get(m, "start_period"), `${p}.start_period`);
  if (startPeriod !== undefined) spec.startPeriod = startPeriod;
  const startInterval = ctx.duration(get(m, "start_interval"), `${p}.start_interval`);
  if (startInterval !== undefined) spec.startInterval = startInterval;
  const retries = ctx.num(get(m, "retries"), `${p}.retries`, { integer: true, min: 0 });
  if (retries !== undefined) spec.retries = retries;
  return spec;
};

const normalizeResources = (ctx: NormalizeContext, node: LNode | undefined, p: string): ResourcesSpec | undefined => {
  const m = ctx.map(node, p);
  if (!m) return undefined;
  const out: Mutable<ResourcesSpec> = {};
  const cpus = ctx.num(get(m, "cpus"), `${p}.cpus`, { min: 0 });
  if (cpus !== undefined) out.cpus = cpus;
  const memory = ctx.bytes(get(m, "memory"), `${p}.memory`);
  if (memory !== undefined) out.memory = memory;
  const pids = ctx.num(get(m, "pids"), `${p}.pids`, { integer: true });
  if (pids !== undefined) out.pids = pids;
  return out;
};

export const normalizeDeploy = (ctx: NormalizeContext, node: LNode | undefined, p: string): DeploySpec | undefined => {
  const m = ctx.map(node, p);
  if (!m) return undefined;
  const resources = ctx.map(get(m, "resources"), `${p}.resources`);
  const limits = normalizeResources(ctx, get(resources, "limits"), `${p}.resources.limits`);
  const reservations = normalizeResources(ctx, get(resources, "reservations"), `${p}.resources.reservations`);
  const labels: Record<string, string> = {};
  for (const [k, { value }] of ctx.strMap(get(m, "labels"), `${p}.labels`) ?? []) labels[k] = value ?? "";
  const spec: Mutable<DeploySpec> = { resources: { ...(limits ? { limits } : {}), ...(reservations ? { reservations } : {}) }, labels };
  const replicas = ctx.num(get(m, "replicas"), `${p}.replicas`, { integer: true, min: 0 });
  if (replicas !== undefined) spec.replicas = replicas;
  const rp = ctx.map(get(m, "restart_policy"), `${p}.restart_policy`);
  if (rp) {
    const condition = get(rp, "condition") === undefined ? undefined : ctx.oneOf(get(rp, "condition"), `${p}.restart_policy.condition`, ["none", "on-failure", "any"] as const);
    const maxAttempts = ctx.num(get(rp, "max_attempts"), `${p}.restart_policy.max_attempts`, { integer: true, min: 0 });
    spec.restartPolicy = { ...(condition ? { condition } : {}), ...(maxAttempts !== undefined ? { maxAttempts } : {}) };
  }
  return spec;
};

const CONDITIONS = ["service_started", "service_healthy", "service_completed_successfully"] as const;

export const normalizeDependsOn = (ctx: NormalizeContext, node: LNode | undefined, p: string): { specs: Record<string, DependsOnSpec>; nodes: Map<string, LNode> } => {
  const specs: Record<string, DependsOnSpec> = {};
  const nodes = new Map<string, LNode>();
  if (node === undefined) return { specs, nodes };
  if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      const name = ctx.str(item, joinPath(p, i));
      if (name === undefined) return;
      specs[name] = { condition: "service_started", required: true, restart: false };
      nodes.set(name, item);
    });
    return { specs, nodes };
  }
  const m = ctx.map(node, p);
  for (const [name, e] of m?.entries ?? []) {
    const ep = `${p}.${name}`;
    const v = e.value;
    if (v.kind === "scalar" && v.value === null) {
      specs[name] = { condition: "service_started", required: true, restart: false };
    } else {
      const dm = ctx.map(v, ep);
      if (!dm) continue;
      const condition = get(dm, "condition") === undefined ? "service_started" : ctx.oneOf(get(dm, "condition"), `${ep}.condition`, CONDITIONS);
      if (condition === undefined) continue;
      specs[name] = { condition, required: ctx.bool(get(dm, "required"), `${ep}.required`) ?? true, restart: ctx.bool(get(dm, "restart"), `${ep}.restart`) ?? false };
    }
    nodes.set(name, { ...v, loc: e.keyLoc });
  }
  return { specs, nodes };
};

export const normalizeFileRefs = (ctx: NormalizeContext, node: LNode | undefined, p: string, kind: "secrets" | "configs"): { refs: ServiceFileRefSpec[]; nodes: { node: LNode; path: string }[] } => {
  const refs: ServiceFileRefSpec[] = [];
  const nodes: { node: LNode; path: string }[] = [];
  if (node === undefined) return { refs, nodes };
  if (node.kind !== "seq") {
    ctx.wrongType(node, p, `a list of ${kind}`);
    return { refs, nodes };
  }
  const defaultTarget = (source: string, target: string | undefined): string => {
    if (kind === "secrets") return target === undefined ? `/run/secrets/${source}` : target.startsWith("/") ? target : `/run/secrets/${target}`;
    return target === undefined ? `/${source}` : target;
  };
  node.items.forEach((item, i) => {
    const ip = joinPath(p, i);
    if (item.kind === "scalar") {
      const source = ctx.str(item, ip);
      if (source === undefined) return;
      refs.push({ source, target: defaultTarget(source, undefined) });
      nodes.push({ node: item, path: ip });
      return;
    }
    const m = ctx.map(item, ip);
    if (!m) return;
    const sourceNode = get(m, "source");
    const source = ctx.str(sourceNode, `${ip}.source`);
    if (sourceNode === undefined) ctx.report("wrongType", m, ip, `a ${kind.slice(0, -1)} reference needs a source`, { expected: "source: <name>" });
    if (source === undefined) return;
    const target = ctx.str(get(m, "target"), `${ip}.target`);
    const ref: Mutable<ServiceFileRefSpec> = { source, target: defaultTarget(source, target) };
    const uid = ctx.str(get(m, "uid"), `${ip}.uid`);
    if (uid !== undefined) ref.uid = uid;
    const gid = ctx.str(get(m, "gid"), `${ip}.gid`);
    if (gid !== undefined) ref.gid = gid;
    const modeNode = get(m, "mode");
    const mode = modeNode?.kind === "scalar" && typeof modeNode.value === "string" ? parseInt(modeNode.value, 8) : ctx.num(modeNode, `${ip}.mode`, { integer: true });
    if (mode !== undefined && !Number.isNaN(mode)) ref.mode = mode;
    refs.push(ref);
    nodes.push({ node: sourceNode ?? m, path: ip });
  });
  return { refs, nodes };
};

const WATCH_ACTIONS = ["sync", "rebuild", "sync+restart", "sync+exec", "restart"] as const;

export const normalizeDevelop = (ctx: NormalizeContext, node: LNode | undefined, p: string, home: string | undefined): WatchRuleSpec[] | undefined => {
  const m = ctx.map(node, p);
  if (!m) return undefined;
  const watch = get(m, "watch");
  if (watch === undefined) return [];
  if (watch.kind !== "seq") {
    ctx.wrongType(watch, `${p}.watch`, "a list of watch rules");
    return [];
  }
  const rules: WatchRuleSpec[] = [];
  watch.items.forEach((item, i) => {
    const rp = `${p}.watch[${i}]`;
    const r = ctx.map(item, rp);
    if (!r) {
      if (item.kind === "scalar" && item.value === null) ctx.wrongType(item, rp, "a watch rule mapping");
      return;
    }
    const actionNode = get(r, "action");
    const pathNode = get(r, "path");
    if (actionNode === undefined) ctx.report("invalidWatch", r, rp, "a watch rule needs an action", { expected: `action: one of ${WATCH_ACTIONS.join(", ")}` });
    if (pathNode === undefined) ctx.report("invalidWatch", r, rp, "a watch rule needs a path", { expected: "path: ./src" });
    const action = ctx.oneOf(actionNode, `${rp}.action`, WATCH_ACTIONS);
    const hostPath = ctx.str(pathNode, `${rp}.path`);
    const target = ctx.str(get(r, "target"), `${rp}.target`);
    if (action !== undefined && action.startsWith("sync") && target === undefined) {
      ctx.report("invalidWatch", actionNode ?? r, rp, `a ${action} rule needs a target (the path in the container)`, { expected: "target: /app/src" });
    }
    const execNode = get(r, "exec");
    if (action === "sync+exec" && execNode === undefined) {
      ctx.report("invalidWatch", actionNode ?? r, rp, "a sync+exec rule needs exec.command", { expected: "exec: {command: [...]}" });
    }
    let exec: Mutable<NonNullable<WatchRuleSpec["exec"]>> | undefined;
    const em = ctx.map(execNode, `${rp}.exec`);
    if (em) {
      const command = normalizeCommand(ctx, get(em, "command"), `${rp}.exec.command`);
      if (!command) ctx.report("invalidWatch", em, `${rp}.exec`, "exec needs a command", { expected: 'command: ["npm", "install"]' });
      const environment: Record<string, string> = {};
      for (const [k, { value }] of ctx.strMap(get(em, "environment"), `${rp}.exec.environment`) ?? []) if (value !== null) environment[k] = value;
      exec = { command: command ?? [], environment };
      const user = ctx.str(get(em, "user"), `${rp}.exec.user`);
      if (user !== undefined) exec.user = user;
      const wd = ctx.str(get(em, "working_dir"), `${rp}.exec.working_dir`);
      if (wd !== undefined) exec.workingDir = wd;
      const privileged = ctx.bool(get(em, "privileged"), `${rp}.exec.privileged`);
      if (privileged !== undefined) exec.privileged = privileged;
    }
    const ignore = ctx.strList(get(r, "ignore"), `${rp}.ignore`, { single: true }) ?? [];
    const include = ctx.strList(get(r, "include"), `${rp}.include`, { single: true }) ?? [];
    const initialSync = ctx.bool(get(r, "initial_sync"), `${rp}.initial_sync`) ?? false;
    if (action === undefined || hostPath === undefined || pathNode === undefined) return;
    const abs = hostPath.startsWith("~") ? path.join(home ?? "~", hostPath.slice(1)) : path.resolve(pathNode.loc.baseDir, hostPath);
    rules.push({ action, path: abs, ignore, include, initialSync, ...(target !== undefined ? { target } : {}), ...(exec ? { exec } : {}) });
  });
  return rules;
};
