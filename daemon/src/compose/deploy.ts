/** services.*.deploy: replicas, resources (limits → limits, reservations → requests), labels, restart_policy. */
import { checkDeviceRequests } from "./device-requests.js";
import type { LNode } from "./located.js";
import { get } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { DeploySpec, ResourcesSpec } from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
  checkDeviceRequests(ctx, get(m, "devices"), `${p}.devices`);
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
  const mode = ctx.str(get(m, "mode"), `${p}.mode`);
  if (mode !== undefined) spec.mode = mode;
  const placement = ctx.map(get(m, "placement"), `${p}.placement`);
  if (placement) {
    const constraints = ctx.strList(get(placement, "constraints"), `${p}.placement.constraints`) ?? [];
    const prefs = get(placement, "preferences");
    const preferences = prefs?.kind === "seq" ? prefs.items.flatMap((item, i) => ctx.str(get(ctx.map(item, `${p}.placement.preferences[${i}]`), "spread"), `${p}.placement.preferences[${i}].spread`) ?? []) : [];
    const max = ctx.num(get(placement, "max_replicas_per_node"), `${p}.placement.max_replicas_per_node`, { integer: true, min: 0 });
    spec.placement = { constraints, preferences, ...(max === undefined ? {} : { maxReplicasPerNode: max }) };
  }
  return spec;
};
