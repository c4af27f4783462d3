/**
 * ComposeProject → a plain object in compose-spec shape (snake_case, long syntax), as `docker compose config`
 * prints it. Durations become Go-style strings, sizes stay in bytes; empty collections are left out.
 */
import type { BuildSpec, ComposeProject, DeploySpec, HealthcheckSpec, LifecycleHookSpec, ServiceSpec } from "./types.js";

type Plain = Record<string, unknown>;

const duration = (ms: number | undefined): string | undefined => {
  if (ms === undefined) return undefined;
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = ms;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  rest -= s * 1000;
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s) parts.push(`${s}s`);
  if (rest) parts.push(`${rest}ms`);
  return parts.join("");
};

/** Drops undefined values, empty arrays and empty objects. */
const compact = (o: Plain): Plain => {
  const out: Plain = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
};

const healthcheck = (h: HealthcheckSpec | undefined): Plain | undefined =>
  h === undefined
    ? undefined
    : compact({ test: h.test, interval: duration(h.interval), timeout: duration(h.timeout), retries: h.retries, start_period: duration(h.startPeriod), start_interval: duration(h.startInterval), disable: h.disable || undefined });

const hook = (h: LifecycleHookSpec): Plain => compact({ command: h.command, user: h.user, privileged: h.privileged, working_dir: h.workingDir, environment: h.environment });

/** The build section as `devloop config` prints it (the classic builder's unsupported keys too). */
const buildSection = (b: BuildSpec): Plain =>
  compact({
    context: b.context,
    dockerfile: b.dockerfile,
    dockerfile_inline: b.dockerfileInline,
    args: b.args,
    target: b.target,
    labels: b.labels,
    cache_from: b.cacheFrom,
    network: b.network,
    shm_size: b.shmSize,
    extra_hosts: b.extraHosts.map((h) => `${h.host}=${h.ip}`),
    no_cache: b.noCache,
    no_cache_filter: b.noCacheFilter,
    pull: b.pull,
    tags: b.tags,
    platforms: b.platforms,
    ulimits: b.ulimits && Object.fromEntries(b.ulimits.map((u) => [u.name, { soft: u.soft, hard: u.hard }])),
    secrets: b.secrets,
    ssh: b.ssh,
    additional_contexts: b.additionalContexts,
    cache_to: b.cacheTo,
    entitlements: b.entitlements,
    privileged: b.privileged,
    provenance: b.provenance,
    sbom: b.sbom,
    isolation: b.isolation,
  });

const deploySection = (d: DeploySpec): Plain =>
  compact({
    mode: d.mode,
    replicas: d.replicas,
    labels: d.labels,
    resources: compact({ limits: d.resources.limits, reservations: d.resources.reservations }),
    restart_policy: d.restartPolicy && compact({ condition: d.restartPolicy.condition, max_attempts: d.restartPolicy.maxAttempts }),
    placement: d.placement && compact({ constraints: d.placement.constraints, preferences: d.placement.preferences.map((spread) => ({ spread })), max_replicas_per_node: d.placement.maxReplicasPerNode }),
  });

const service = (s: ServiceSpec): Plain =>
  compact({
    profiles: s.profiles,
    image: s.image,
    build: s.build && buildSection(s.build),
    entrypoint: s.entrypoint,
    command: s.command,
    environment: s.environment,
    env_file: s.envFiles.map((f) => compact({ path: f.path, required: f.required, format: f.format })),
    ports: s.ports.map((p) => compact({ name: p.name, mode: p.mode, host_ip: p.hostIp, target: p.target, published: p.published === undefined ? undefined : String(p.published), protocol: p.protocol, app_protocol: p.appProtocol })),
    expose: s.expose.map((e) => (e.protocol === "tcp" ? String(e.target) : `${e.target}/${e.protocol}`)),
    volumes: s.volumes.map((v) =>
      v.type === "bind"
        ? compact({ type: "bind", source: v.source, target: v.target, read_only: v.readOnly || undefined, bind: { create_host_path: v.createHostPath } })
        : v.type === "volume"
          ? compact({ type: "volume", source: v.source, target: v.target, read_only: v.readOnly || undefined, volume: compact({ nocopy: v.nocopy || undefined, subpath: v.subpath }) })
          : compact({ type: "tmpfs", target: v.target, read_only: v.readOnly || undefined, tmpfs: compact({ size: v.size, mode: v.mode }) }),
    ),
    tmpfs: s.tmpfs,
    healthcheck: healthcheck(s.healthcheck),
    depends_on: Object.fromEntries(Object.entries(s.dependsOn).map(([k, d]) => [k, { condition: d.condition, required: d.required, restart: d.restart }])),
    deploy: s.deploy && deploySection(s.deploy),
    scale: s.replicas === 1 ? undefined : s.replicas,
    restart: s.restart,
    user: s.user,
    working_dir: s.workingDir,
    hostname: s.hostname,
    labels: s.labels,
    annotations: s.annotations,
    stop_grace_period: s.stopGracePeriod === undefined ? undefined : duration(s.stopGracePeriod * 1000),
    stop_signal: s.stopSignal,
    init: s.init,
    tty: s.tty,
    stdin_open: s.stdinOpen,
    privileged: s.privileged,
    read_only: s.readOnly,
    cap_add: s.capAdd,
    cap_drop: s.capDrop,
    extra_hosts: s.extraHosts.map((h) => `${h.host}=${h.ip}`),
    group_add: s.groupAdd,
    dns: s.dns,
    dns_search: s.dnsSearch,
    dns_opt: s.dnsOpt,
    sysctls: s.sysctls,
    networks: Object.fromEntries(Object.entries(s.networks).map(([k, n]) => [k, n.aliases.length > 0 ? { aliases: n.aliases } : null])),
    network_mode: s.networkMode,
    ipc: s.ipc,
    volumes_from: s.volumesFrom,
    secrets: s.secrets.map((r) => compact({ ...r })),
    configs: s.configs.map((r) => compact({ ...r })),
    pull_policy: s.pullPolicy,
    provider: s.provider === undefined ? undefined : { type: s.provider },
    platform: s.platform,
    container_name: s.containerName,
    shm_size: s.shmSize,
    post_start: s.postStart?.map(hook),
    pre_stop: s.preStop?.map(hook),
    develop: s.develop && {
      watch: s.develop.watch.map((w) => compact({ action: w.action, path: w.path, target: w.target, ignore: w.ignore, include: w.include, initial_sync: w.initialSync || undefined, exec: w.exec && compact({ command: w.exec.command, user: w.exec.user, working_dir: w.exec.workingDir, privileged: w.exec.privileged, environment: w.exec.environment }) })),
    },
    ...s.extensions,
  });

export const toComposeModel = (project: ComposeProject): Plain =>
  compact({
    name: project.name,
    services: Object.fromEntries(Object.entries(project.services).map(([k, s]) => [k, service(s)])),
    networks: Object.fromEntries(Object.entries(project.networks).map(([k, n]) => [k, compact({ name: n.name, external: n.external || undefined, internal: n.internal || undefined, driver: n.driver })])),
    volumes: Object.fromEntries(Object.entries(project.volumes).map(([k, v]) => [k, compact({ name: v.name, driver: v.driver, driver_opts: v.driverOpts, external: v.external || undefined, labels: v.labels, ...v.extensions })])),
    secrets: Object.fromEntries(Object.entries(project.secrets).map(([k, v]) => [k, compact({ name: v.name, file: v.file, environment: v.environment, content: v.content, driver: v.driver, external: v.external || undefined })])),
    configs: Object.fromEntries(Object.entries(project.configs).map(([k, v]) => [k, compact({ name: v.name, file: v.file, environment: v.environment, content: v.content, driver: v.driver, external: v.external || undefined })])),
    ...project.extensions,
  });
