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
    ["networks", Object.keys(s.networks).some((n) => n !== "default")],
    ["secrets", s.secrets.length > 0],
    ["configs", s.configs.length > 0],
    ["profiles", s.profiles.length > 0],
    ["pull_policy", s.pullPolicy !== undefined],
    ["platform", s.platform !== undefined],
    ["container_name", s.containerName !== undefined],
    ["develop", s.develop !== undefined],
    ["x-devloop", s.extensions["x-devloop"] !== undefined],
  ]
    .filter(([, present]) => present)
    .map(([key]) => key as string);

/** Direct child keys of `prefix` in the source map ("services.web." → ["image", "ports", …]). */
export const sourceMapChildren = (project: ComposeProject, prefix: string): string[] => {
  const keys = new Set<string>();
  for (const path of Object.keys(project.sourceMap)) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const key = /^[^.[]+/.exec(rest)?.[0];
    if (key) keys.add(key);
  }
  return [...keys];
};

/** Every key of the service, in a stable order: the model's order first, then source-map-only keys sorted. */
export const presentServiceKeys = (project: ComposeProject, service: ServiceSpec): readonly string[] => {
  const model = fromModel(service);
  const extra = sourceMapChildren(project, `services.${service.name}.`)
    .filter((k) => !model.includes(k))
    .sort();
  return [...model, ...extra];
};

/** True when the source map has `path` or anything under it. */
export const hasPath = (project: ComposeProject, path: string): boolean =>
  Object.keys(project.sourceMap).some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
