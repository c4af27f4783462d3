/**
 * Services that share another service's pod: network_mode / ipc "service:<X>" or "container:<X>" and volumes_from.
 * A pod is Kubernetes' unit of shared network, IPC and volumes, so such a service (a sidecar) becomes one more
 * container in X's pod, named after itself, instead of a workload of its own. volumes_from: [X] (":ro", "container:X")
 * also joins X's pod and mounts X's compose volumes at the same paths: the same volume, so the same data whatever
 * its kind (a claim, an emptyDir, a synced bind). The engine finds the sidecar through the pod label
 * sidecar.devloop.dev/<service> = <container> and the workload annotation devloop.dev/sidecars.
 */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { shortHash } from "./hash.js";
import { Annotations, sidecarLabel } from "./labels.js";
import { toDnsLabel } from "./names.js";
import { joinReference } from "./pod-namespaces.js";
import type { DependencyEdge, KubeManifest } from "./types.js";
import { compareStrings } from "./compare.js";

export interface JoinSource {
  /** The compose service whose volumes are mounted. */
  readonly service: string;
  readonly readOnly: boolean;
}

export interface JoinPlan {
  /** Joined service → the service whose pod it runs in (the end of the chain). */
  readonly hostOf: ReadonlyMap<string, string>;
  /** Host service → its sidecars, in compose order. */
  readonly sidecarsOf: ReadonlyMap<string, readonly string[]>;
  /** Joined service → the services whose volumes it mounts (volumes_from). */
  readonly volumesFrom: ReadonlyMap<string, readonly JoinSource[]>;
}

/** "web", "web:ro", "container:web:rw" → the service name and the mode. */
const parseVolumesFrom = (entry: string): { form: "service" | "container"; name: string; readOnly: boolean } => {
  const container = entry.startsWith("container:");
  const rest = container ? entry.slice("container:".length) : entry;
  const m = /^(.*):(ro|rw)$/.exec(rest);
  return { form: container ? "container" : "service", name: m?.[1] ?? rest, readOnly: m?.[2] === "ro" };
};

/** A container name (container_name) or, failing that, a service name. */
const byContainer = (project: ComposeProject, name: string): string | undefined =>
  Object.values(project.services).find((s) => s.containerName === name)?.name ?? (project.services[name] ? name : undefined);

interface Reference {
  readonly path: string;
  readonly target?: string;
  readonly written: string;
}

const references = (project: ComposeProject, service: ServiceSpec): { refs: Reference[]; sources: JoinSource[] } => {
  const p = `services.${service.name}`;
  const refs: Reference[] = [];
  const sources: JoinSource[] = [];
  const resolve = (form: "service" | "container", name: string): string | undefined =>
    form === "container" ? byContainer(project, name) : project.services[name] ? name : undefined;
  for (const key of ["network_mode", "ipc"] as const) {
    const ref = joinReference(key === "ipc" ? service.ipc : service.networkMode);
    if (ref === undefined) continue;
    const target = resolve(ref.form, ref.name);
    refs.push({ path: `${p}.${key}`, written: `${ref.form}:${ref.name}`, ...(target === undefined ? {} : { target }) });
  }
  (service.volumesFrom ?? []).forEach((entry, index) => {
    const v = parseVolumesFrom(entry);
    const target = resolve(v.form, v.name);
    refs.push({ path: `${p}.volumes_from[${index}]`, written: entry, ...(target === undefined ? {} : { target }) });
    if (target !== undefined) sources.push({ service: target, readOnly: v.readOnly });
  });
  return { refs, sources };
};

export const planJoins = (ctx: TranslateContext): JoinPlan => {
  const project = ctx.project;
  const direct = new Map<string, string>();
  const volumesFrom = new Map<string, JoinSource[]>();
  for (const service of Object.values(project.services)) {
    const { refs, sources } = references(project, service);
    for (const ref of refs) {
      if (ref.target === undefined) {
        const disabled = project.disabledServices.includes(ref.written.replace(/^(service|container):/, "").replace(/:(ro|rw)$/, ""));
        ctx.report({
          code: TranslateCodes.badJoin,
          severity: "error",
          path: ref.path,
          message: `${ref.written} names no ${disabled ? "enabled " : ""}service of the project, so ${service.name} has no pod to join`,
          expected: "the name of an enabled service (or its container_name)",
          got: ref.written,
          ...(disabled ? { hint: "enable its profile, or name it on the command line" } : {}),
        });
        continue;
      }
      if (ref.target === service.name) {
        ctx.report({ code: TranslateCodes.badJoin, severity: "error", path: ref.path, message: `${service.name} cannot join its own pod`, got: ref.written });
        continue;
      }
      const before = direct.get(service.name);
      if (before !== undefined && before !== ref.target) {
        ctx.report({
          code: TranslateCodes.badJoin,
          severity: "error",
          path: ref.path,
          message: `${service.name} already joins ${before}'s pod; a container is in one pod, so it cannot also share ${ref.target}'s`,
          expected: `${before}`,
          got: ref.written,
          hint: `share through ${before}: let ${ref.target} join ${before} too, or use a named volume in both`,
        });
        continue;
      }
      direct.set(service.name, ref.target);
    }
    if (sources.length > 0) volumesFrom.set(service.name, sources);
  }
  const hostOf = new Map<string, string>();
  for (const name of direct.keys()) {
    const seen = [name];
    let current = direct.get(name);
    while (current !== undefined && direct.has(current) && !seen.includes(current)) {
      seen.push(current);
      current = direct.get(current);
    }
    if (current === undefined || seen.includes(current)) {
      ctx.report({ code: TranslateCodes.badJoin, severity: "error", path: `services.${name}`, message: `${seen.join(" → ")} → ${current ?? "?"} join each other's pods in a cycle; one of them must run on its own` });
      continue;
    }
    hostOf.set(name, current);
  }
  // Compose order, except that a sidecar comes after the sidecars whose volumes it mounts (it mounts what they have).
  const ordered: string[] = [];
  const place = (name: string, path: readonly string[]): void => {
    if (ordered.includes(name) || path.includes(name)) return;
    for (const source of volumesFrom.get(name) ?? []) if (hostOf.has(source.service)) place(source.service, [...path, name]);
    ordered.push(name);
  };
  for (const name of Object.keys(project.services)) if (hostOf.has(name)) place(name, []);
  const sidecarsOf = new Map<string, string[]>();
  for (const name of ordered) {
    const host = hostOf.get(name);
    if (host !== undefined) sidecarsOf.set(host, [...(sidecarsOf.get(host) ?? []), name]);
  }
  return { hostOf, sidecarsOf, volumesFrom };
};

/** Warnings for what a sidecar cannot keep: its replicas, pod-level keys, and a depends_on of its host on it. */
export const reportJoinedSettings = (ctx: TranslateContext, plan: JoinPlan): void => {
  for (const [name, host] of plan.hostOf) {
    const service = ctx.project.services[name];
    const hostService = ctx.project.services[host];
    if (service === undefined || hostService === undefined) continue;
    const p = `services.${name}`;
    if (hostService.replicas > 1) {
      ctx.report({
        code: TranslateCodes.joinedSetting,
        path: p,
        message: `${name} joins ${host}'s pod, and ${host} has ${hostService.replicas} replicas: ${name} runs once in each (${hostService.replicas} containers)`,
      });
    }
    const ownReplicas = service.deploy?.replicas !== undefined || ctx.project.sourceMap[`${p}.scale`] !== undefined;
    if (ownReplicas && service.replicas !== hostService.replicas) {
      ctx.report({
        code: TranslateCodes.joinedSetting,
        path: service.deploy?.replicas !== undefined ? `${p}.deploy.replicas` : `${p}.scale`,
        message: `${name} runs in ${host}'s pod, so it has ${host}'s replicas (${hostService.replicas}), not ${service.replicas}`,
      });
    }
    const podKeys: [string, boolean][] = [
      ["hostname", service.hostname !== undefined],
      ["dns", service.dns.length > 0],
      ["dns_search", service.dnsSearch.length > 0],
      ["dns_opt", service.dnsOpt.length > 0],
      ["sysctls", Object.keys(service.sysctls).length > 0],
      ["group_add", service.groupAdd.length > 0],
      ["deploy.placement", service.deploy?.placement !== undefined],
      ["deploy.mode", service.deploy?.mode !== undefined],
    ];
    for (const [key] of podKeys.filter(([, set]) => set)) {
      ctx.report({ code: TranslateCodes.joinedSetting, path: `${p}.${key}`, message: `${key} of ${name} is not applied: it is a setting of the whole pod, and ${name} runs in ${host}'s pod, which keeps ${host}'s` });
    }
    if (hostService.dependsOn[name] !== undefined) {
      ctx.report({
        code: TranslateCodes.joinedSetting,
        path: `services.${host}.depends_on.${name}`,
        message: `${host} depends on ${name}, which runs in ${host}'s own pod: they start together, so the dependency is not waited for`,
      });
    }
  }
};

type Obj = Record<string, unknown>;
interface PodSpec {
  containers: Obj[];
  initContainers?: Obj[];
  volumes?: Obj[];
  [field: string]: unknown;
}
interface Template {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

const templateOf = (m: KubeManifest): Template => (m["spec"] as { template: Template }).template;

const renameMounts = (containers: readonly Obj[] | undefined, renames: ReadonlyMap<string, string>): Obj[] | undefined =>
  containers?.map((c) => {
    const mounts = c["volumeMounts"] as { name: string }[] | undefined;
    return mounts === undefined ? c : { ...c, volumeMounts: mounts.map((m) => ({ ...m, name: renames.get(m.name) ?? m.name })) };
  });

/** The mounts of `source`'s compose volumes (not secrets, configs, tmpfs or seeded dirs) in the pod, by container. */
const composeMounts = (ctx: TranslateContext, pod: PodSpec, source: string, containerOf: (s: string) => string, plan: JoinPlan, seen: Set<string>): Obj[] => {
  if (seen.has(source)) return [];
  seen.add(source);
  const service = ctx.project.services[source];
  const container = pod.containers.find((c) => c["name"] === containerOf(source));
  if (service === undefined || container === undefined) return [];
  // What the source itself got through volumes_from is shared on (with its mode there), as Docker does.
  const inherited = (plan.volumesFrom.get(source) ?? []).flatMap((s) => composeMounts(ctx, pod, s.service, containerOf, plan, seen).map((m) => String(m["mountPath"])));
  const targets = new Set([...service.volumes.filter((v) => v.type !== "tmpfs").map((v) => v.target), ...inherited]);
  return ((container["volumeMounts"] as Obj[] | undefined) ?? []).filter((m) => targets.has(String(m["mountPath"])));
};

/**
 * Adds the sidecar's container (and its init containers and volumes, renamed where the host's names are taken) to
 * the host workload's pod, mounts its volumes_from sources, and labels the pod so the engine can find it.
 */
export const joinPod = (
  ctx: TranslateContext,
  host: KubeManifest,
  sidecar: { readonly service: string; readonly workload: KubeManifest },
  plan: JoinPlan,
  containerOf: (service: string) => string,
): KubeManifest => {
  const hostTemplate = templateOf(host);
  const sideTemplate = templateOf(sidecar.workload);
  const pod = hostTemplate.spec;
  const side = sideTemplate.spec;
  const container = containerOf(sidecar.service);
  const taken = new Set((pod.volumes ?? []).map((v) => String(v["name"])));
  const renames = new Map<string, string>();
  for (const v of side.volumes ?? []) {
    const name = String(v["name"]);
    if (!taken.has(name)) {
      taken.add(name);
      continue;
    }
    const fresh = toDnsLabel(`${name}-${shortHash(container, 6)}`);
    renames.set(name, fresh);
    taken.add(fresh);
  }
  const volumes: Obj[] = (side.volumes ?? []).map((v) => ({ ...v, name: renames.get(String(v["name"])) ?? v["name"] }));
  const initContainers = (renameMounts(side.initContainers, renames) ?? []).map((c) => ({ ...c, name: toDnsLabel(`${String(c["name"])}-${container}`) }));
  const [main, ...rest] = renameMounts(side.containers, renames) ?? [];
  const joinedPod: PodSpec = { ...pod, containers: [...pod.containers], volumes: [...(pod.volumes ?? []), ...volumes] };
  if (main !== undefined) {
    const mounts = [...((main["volumeMounts"] as Obj[] | undefined) ?? [])];
    const paths = new Set(mounts.map((m) => String(m["mountPath"])));
    for (const source of plan.volumesFrom.get(sidecar.service) ?? []) {
      for (const m of composeMounts(ctx, joinedPod, source.service, containerOf, plan, new Set())) {
        if (paths.has(String(m["mountPath"]))) continue;
        paths.add(String(m["mountPath"]));
        mounts.push({ ...m, ...(source.readOnly ? { readOnly: true } : {}) });
      }
    }
    joinedPod.containers.push({ ...main, ...(mounts.length > 0 ? { volumeMounts: mounts } : {}) });
  }
  joinedPod.containers.push(...rest);
  if (initContainers.length > 0) joinedPod.initContainers = [...(pod.initContainers ?? []), ...initContainers];
  if (joinedPod.volumes?.length === 0) delete joinedPod.volumes;
  if (side["shareProcessNamespace"] === true) joinedPod["shareProcessNamespace"] = true;
  const grace = [pod["terminationGracePeriodSeconds"], side["terminationGracePeriodSeconds"]].filter((g): g is number => typeof g === "number");
  if (grace.length > 0) joinedPod["terminationGracePeriodSeconds"] = Math.max(...grace);
  const aliases = [...((pod["hostAliases"] as Obj[] | undefined) ?? []), ...((side["hostAliases"] as Obj[] | undefined) ?? [])];
  if (aliases.length > 0) joinedPod["hostAliases"] = aliases;

  const sideAnnotations = sideTemplate.metadata.annotations ?? {};
  const hostAnnotations = hostTemplate.metadata.annotations ?? {};
  const configHash = [hostAnnotations[Annotations.configHash], sideAnnotations[Annotations.configHash]].filter((h) => h !== undefined);
  const annotations = {
    ...sideAnnotations,
    ...hostAnnotations,
    ...(configHash.length > 0 ? { [Annotations.configHash]: configHash.length === 1 ? (configHash[0] ?? "") : shortHash(configHash.join(","), 16) } : {}),
  };
  const template: Template = {
    metadata: {
      ...hostTemplate.metadata,
      labels: { ...hostTemplate.metadata.labels, [sidecarLabel(sidecar.service)]: container },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: joinedPod,
  };
  const spec = host["spec"] as Obj;
  const sidecars = [host.metadata.annotations?.[Annotations.sidecars], sidecar.service].filter((s) => s !== undefined).join(",");
  const claims = volumes.some((v) => v["persistentVolumeClaim"] !== undefined);
  return {
    ...host,
    metadata: { ...host.metadata, annotations: { ...host.metadata.annotations, [Annotations.sidecars]: sidecars } },
    spec: { ...spec, ...(claims && host.kind === "Deployment" ? { strategy: { type: "Recreate" } } : {}), template },
  };
};

/**
 * The depends_on graph with the pods in mind: a sidecar waits for its host to start (Compose starts the service whose
 * namespace it joins first), and a host never waits for its own sidecar (they start together in one pod).
 */
export const withJoinEdges = (edges: readonly DependencyEdge[], hostOf: ReadonlyMap<string, string>): DependencyEdge[] => {
  const kept = edges.filter((e) => hostOf.get(e.dependsOn) !== e.service);
  const implicit = [...hostOf]
    .filter(([service, host]) => !kept.some((e) => e.service === service && e.dependsOn === host))
    .map(([service, host]): DependencyEdge => ({ service, dependsOn: host, condition: "service_started", required: true, restart: false }));
  return [...kept, ...implicit].sort((a, b) => (a.service === b.service ? compareStrings(a.dependsOn, b.dependsOn) : compareStrings(a.service, b.service)));
};
