/**
 * Which compose keys a service (or the project) actually uses: the keys the source map knows (every key
 * written in a file, including ones the model does not carry), plus the ones the model shows as set
 * (for projects built in code, without a source map).
 */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";

const fromModel = (s: ServiceSpec): string[] =>
  [
    ["image", s.image !== undefined],
    ["build", s.build !== undefined],
    ["entrypoint", s.entrypoint !== undefined],
    ["command", s.command !== undefined],
    ["environment", Object.values(s.environmentSources).includes("environment")],
    ["env_file", s.envFiles.length > 0],
    ["ports", s.ports.length > 0],
    ["expose", s.expose.length > 0],
    ["volumes", s.volumes.length > 0],
    ["tmpfs", s.tmpfs.length > 0],
    ["healthcheck", s.healthcheck !== undefined],
    ["depends_on", Object.keys(s.dependsOn).length > 0],
    ["deploy", s.deploy !== undefined],
    ["scale", s.replicas !== 1 && s.deploy?.replicas === undefined],
    ["restart", s.restart !== undefined],
    ["user", s.user !== undefined],
    ["working_dir", s.workingDir !== undefined],
    ["hostname", s.hostname !== undefined],
    ["labels", Object.keys(s.labels).length > 0],
    ["annotations", Object.keys(s.annotations).length > 0],
    ["stop_grace_period", s.stopGracePeriod !== undefined],
    ["stop_signal", s.stopSignal !== undefined],
    ["init", s.init !== undefined],
    ["tty", s.tty !== undefined],
    ["stdin_open", s.stdinOpen !== undefined],
    ["privileged", s.privileged !== undefined],
    ["read_only", s.readOnly !== undefined],
    ["cap_add", s.capAdd.length > 0],
    ["cap_drop", s.capDrop.length > 0],
    ["extra_hosts", s.extraHosts.length > 0],
    ["group_add", s.groupAdd.length > 0],
    ["dns", s.dns.length > 0],
    ["dns_search", s.dnsSearch.length > 0],
    ["dns_opt", s.dnsOpt.length > 0],
    ["sysctls", Object.keys(s.sysctls).length > 0],
    ["networks", Object.keys(s.networks).some((n) => n !== "default")],
    ["secrets", s.secrets.length > 0],
    ["configs", s.configs.length > 0],
    ["profiles", s.profiles.length > 0],
    ["pull_policy", s.pullPolicy !== undefined],
    ["platform", s.platform !== undefined],
    ["container_name", s.containerName !== undefined],
    ["network_mode", s.networkMode !== undefined],
    ["ipc", s.ipc !== undefined],
    ["volumes_from", (s.volumesFrom ?? []).length > 0],
    ["develop", s.develop !== undefined],
    ["shm_size", s.shmSize !== undefined],
    ["post_start", (s.postStart ?? []).length > 0],
    ["pre_stop", (s.preStop ?? []).length > 0],
    ["provider", s.provider !== undefined],
    ["x-devloop", s.extensions["x-devloop"] !== undefined],
  ]
    .filter(([, present]) => present)
    .map(([key]) => key as string);

interface SourceIndex {
  /** Every path in the source map and every ancestor of one ("services.web.ports[0]" → "services.web.ports", "services.web", "services"). */
  readonly paths: ReadonlySet<string>;
  /** Direct child keys per parent path ("services.web" → ["image", "ports"]). */
  readonly children: ReadonlyMap<string, readonly string[]>;
}

const indexes = new WeakMap<object, SourceIndex>();

/** One pass over the source map, cached per map: the lookups below run once per service and key. */
const indexOf = (project: ComposeProject): SourceIndex => {
  const cached = indexes.get(project.sourceMap);
  if (cached) return cached;
  const paths = new Set<string>();
  const children = new Map<string, string[]>();
  for (const path of Object.keys(project.sourceMap)) {
    let current = path;
    while (!paths.has(current)) {
      paths.add(current);
      const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
      if (cut <= 0) break;
      const parent = current.slice(0, cut);
      if (current[cut] === ".") {
        const list = children.get(parent);
        if (list) list.push(current.slice(cut + 1));
        else children.set(parent, [current.slice(cut + 1)]);
      }
      current = parent;
    }
  }
  const index = { paths, children };
  indexes.set(project.sourceMap, index);
  return index;
};

/** Direct child keys of `parent` in the source map ("services.web" → ["image", "ports", …]). */
export const sourceMapChildren = (project: ComposeProject, parent: string): readonly string[] => indexOf(project).children.get(parent) ?? [];

/** The top-level keys written in the files. */
export const topLevelKeys = (project: ComposeProject): ReadonlySet<string> =>
  new Set([...indexOf(project).paths].filter((p) => !p.includes(".") && !p.includes("[")));

/** Every key of the service, in a stable order: the model's order first, then source-map-only keys sorted. */
export const presentServiceKeys = (project: ComposeProject, service: ServiceSpec): readonly string[] => {
  const model = fromModel(service);
  const extra = sourceMapChildren(project, `services.${service.name}`)
    .filter((k) => !model.includes(k))
    .sort();
  return [...model, ...extra];
};

/** True when the source map has `path` or anything under it. */
export const hasPath = (project: ComposeProject, path: string): boolean => indexOf(project).paths.has(path);
