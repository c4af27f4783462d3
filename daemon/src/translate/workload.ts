/**
 * One compose service → its workload (Deployment or Job) and the objects only it uses (the env Secret).
 * Pod-level keys: hostname, init (shareProcessNamespace), stop_grace_period, extra_hosts, labels, annotations;
 * group_add, sysctls and dns* through pod-options.ts.
 */
import path from "node:path";
import type { ServiceSpec } from "../compose/types.js";
import { superviseImageCommandAnnotation } from "../supervisor/supervisor.js";
import { bindInitContainer } from "./bind-mounts.js";
import { TranslateCodes } from "./codes.js";
import { buildContainer } from "./container.js";
import { type TranslateContext, workloadName } from "./context.js";
import { dependsOnAnnotation } from "./dependencies.js";
import { planEnvironment } from "./environment.js";
import { planFileObjectMounts } from "./file-objects.js";
import { shortHash } from "./hash.js";
import { chooseImage } from "./image.js";
import { Annotations, isLabelKey, isLabelValue, selectorLabels, serviceLabels } from "./labels.js";
import { toLifecycle } from "./lifecycle.js";
import { planLive, seedContainer, seedResources } from "./live.js";
import { isDnsLabel, toDnsLabel } from "./names.js";
import { networkPodLabels } from "./network-policies.js";
import { podOptions } from "./pod-options.js";
import { planVolumes } from "./pod-volumes.js";
import { planShmVolume } from "./shm-volume.js";
import type { KubeManifest, ServiceLive, SyncMapping } from "./types.js";
import { createVolumeNameAllocator } from "./volume-names.js";
import type { WorkloadKind } from "./workload-kind.js";

/** "./src" for a path inside the project directory, the absolute path otherwise. */
const relativeToProject = (dir: string, file: string): string => {
  const rel = path.relative(dir, file);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? file : `./${rel}`;
};

export interface WorkloadPlan {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly workload: KubeManifest;
  /** The "<service>-env" Secret, when some variables are secret. */
  readonly envSecret?: KubeManifest;
  /** The "<service>-files" Secret holding bind-mounted files. */
  readonly filesSecret?: KubeManifest;
  readonly namedVolumes: readonly string[];
  readonly secrets: readonly string[];
  readonly configs: readonly string[];
  readonly syncMappings: readonly SyncMapping[];
  /** The sync controller's spec of the service (develop.watch rules, x-devloop.compile). */
  readonly live?: ServiceLive;
}

/** Compose labels → Kubernetes labels; the ones Kubernetes would refuse become annotations (with a warning). */
const splitLabels = (ctx: TranslateContext, service: ServiceSpec): { labels: Record<string, string>; annotations: Record<string, string> } => {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.labels)) {
    if (isLabelKey(key) && isLabelValue(value)) {
      labels[key] = value;
      continue;
    }
    annotations[key] = value;
    ctx.report({
      code: TranslateCodes.labelAsAnnotation,
      path: `services.${service.name}.labels.${key}`,
      message: `label ${key} is not a valid Kubernetes label (keys: [prefix/]name ≤ 63; values: ≤ 63 of A-Z a-z 0-9 - _ .), so it is kept as an annotation`,
    });
  }
  return { labels, annotations };
};

/** extra_hosts → hostAliases, grouped by IP in order of first appearance. */
const hostAliases = (ctx: TranslateContext, service: ServiceSpec): { ip: string; hostnames: string[] }[] => {
  const byIp = new Map<string, string[]>();
  service.extraHosts.forEach((entry, index) => {
    if (entry.ip === "host-gateway") {
      ctx.report({
        code: TranslateCodes.hostGateway,
        path: `services.${service.name}.extra_hosts[${index}]`,
        message: `extra host ${entry.host}:host-gateway is not translated: a pod has no Docker host gateway`,
        hint: "reach services on your machine through a port-forward or the cluster's host address",
      });
      return;
    }
    byIp.set(entry.ip, [...(byIp.get(entry.ip) ?? []), entry.host]);
  });
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
};

/** Job restart policy and backoffLimit from restart / deploy.restart_policy. */
const jobPolicy = (ctx: TranslateContext, service: ServiceSpec): { restartPolicy: "Never" | "OnFailure"; backoffLimit: number } => {
  const deployPolicy = service.deploy?.restartPolicy;
  if (deployPolicy?.condition === "none") return { restartPolicy: "Never", backoffLimit: 0 };
  if (deployPolicy?.condition === "on-failure" || deployPolicy?.condition === "any") {
    return { restartPolicy: "OnFailure", backoffLimit: deployPolicy.maxAttempts ?? 6 };
  }
  switch (service.restart) {
    case undefined:
    case "no":
      return { restartPolicy: "Never", backoffLimit: 0 };
    case "on-failure":
      return { restartPolicy: "OnFailure", backoffLimit: deployPolicy?.maxAttempts ?? 6 };
    default:
      ctx.report({
        code: TranslateCodes.jobRestart,
        path: `services.${service.name}.restart`,
        message: `"${service.name}" is waited on with service_completed_successfully, so it runs as a Job; restart: ${service.restart} becomes restartPolicy OnFailure`,
        hint: 'use restart: "no" or on-failure for a one-shot service',
      });
      return { restartPolicy: "OnFailure", backoffLimit: 6 };
  }
};

export interface WorkloadParams {
  readonly kind: WorkloadKind;
  /** Contents of the project's secrets and configs by key, for the config hash. */
  readonly contents: (kind: "secret" | "config", key: string) => string;
}

export const buildWorkload = (ctx: TranslateContext, service: ServiceSpec, params: WorkloadParams): WorkloadPlan => {
  const project = ctx.project.name;
  const name = workloadName(ctx, service.name);
  const envSecretName = toDnsLabel(`${name}-env`);
  const environment = planEnvironment(service, envSecretName);
  const names = createVolumeNameAllocator();
  const filesSecretName = toDnsLabel(`${name}-files`);
  const volumePlan = planVolumes(ctx, service, names, filesSecretName);
  const secretMounts = planFileObjectMounts(ctx, service, "secret", names);
  const configMounts = planFileObjectMounts(ctx, service, "config", names);
  const image = chooseImage(project, service, ctx.options.images);
  const shm = planShmVolume(service, names, [...volumePlan.mounts, ...secretMounts.mounts, ...configMounts.mounts].map((m) => m.mountPath));
  const composeMounts = [...volumePlan.mounts, ...secretMounts.mounts, ...configMounts.mounts, ...(shm ? [shm.mount] : [])];
  const livePlan = planLive(ctx, service, { container: name, composeMounts, binds: volumePlan.syncMappings });
  const lifecycle = toLifecycle(ctx, service);
  const container = {
    ...buildContainer(ctx, service, {
      name,
      image,
      env: environment.env,
      mounts: [...livePlan.mounts, ...composeMounts],
      supervised: livePlan.supervise === "wrap",
    }),
    ...(lifecycle ? { lifecycle } : {}),
  };
  const seed = seedContainer([...livePlan.seeded, ...volumePlan.seeds], service, container);
  const bindInit = bindInitContainer(volumePlan.syncMappings, container, seedResources(service));
  const initContainers = [...(seed ? [seed] : []), ...(bindInit ? [bindInit.container] : [])];
  const volumes = [...livePlan.volumes, ...volumePlan.volumes, ...secretMounts.volumes, ...configMounts.volumes, ...(shm ? [shm.volume] : []), ...(bindInit ? [bindInit.volume] : [])];

  const hasEnvSecret = Object.keys(environment.secretData).length > 0;
  const secrets = [...new Set(service.secrets.map((s) => s.source))];
  const configs = [...new Set(service.configs.map((c) => c.source))];
  const hasFiles = Object.keys(volumePlan.fileData).length > 0;
  const hashInput = JSON.stringify([
    environment.secretData,
    volumePlan.fileData,
    secrets.map((s) => [s, params.contents("secret", s)]),
    configs.map((c) => [c, params.contents("config", c)]),
  ]);
  const configHash = hasEnvSecret || hasFiles || secrets.length > 0 || configs.length > 0 ? shortHash(hashInput, 16) : undefined;

  const user = splitLabels(ctx, service);
  const baseLabels = serviceLabels(project, service.name);
  const dependsOn = dependsOnAnnotation(service);
  // Relative to the project directory, so the manifests (and their hash) do not depend on where the checkout lives.
  const syncMounts = volumePlan.syncMappings.map((m) => `${m.volumeName}=${relativeToProject(ctx.project.workingDir, m.source)}:${m.target}`).join(";");
  const workloadAnnotations = {
    ...user.annotations,
    ...service.annotations,
    [Annotations.composeService]: service.name,
    ...(dependsOn ? { [Annotations.dependsOn]: dependsOn } : {}),
    ...(syncMounts ? { [Annotations.syncMounts]: syncMounts } : {}),
  };
  const podAnnotations = {
    ...user.annotations,
    ...service.annotations,
    ...(configHash ? { [Annotations.configHash]: configHash } : {}),
    // The argv is the built image's ENTRYPOINT + CMD: the engine wraps it in the supervisor at apply (engine/built-image.ts).
    ...(livePlan.supervise === "annotate" ? { [superviseImageCommandAnnotation]: "true" } : {}),
  };

  if (service.hostname !== undefined && !isDnsLabel(service.hostname)) {
    ctx.report({
      code: TranslateCodes.invalidHostname,
      path: `services.${service.name}.hostname`,
      message: `hostname "${service.hostname}" is not a DNS label, so the pod keeps its generated hostname`,
      expected: "lowercase letters, digits and '-', at most 63",
      got: service.hostname,
    });
  }
  const aliases = hostAliases(ctx, service);
  const jobRestart = params.kind === "Job" ? jobPolicy(ctx, service) : undefined;
  if (params.kind === "Deployment" && (service.restart === "no" || service.restart === "on-failure")) {
    ctx.report({
      code: TranslateCodes.restartNotHonoured,
      path: `services.${service.name}.restart`,
      message: `restart: ${service.restart} is not honoured: a Deployment always restarts its pods`,
      hint: "a one-shot service runs as a Job: wait on it with condition: service_completed_successfully, or set x-devloop.kind: job",
    });
  }

  const podSpec = {
    ...(service.hostname !== undefined && isDnsLabel(service.hostname) ? { hostname: service.hostname } : {}),
    ...(service.init === true ? { shareProcessNamespace: true } : {}),
    ...(jobRestart ? { restartPolicy: jobRestart.restartPolicy } : {}),
    ...(service.stopGracePeriod !== undefined ? { terminationGracePeriodSeconds: Math.max(0, Math.ceil(service.stopGracePeriod)) } : {}),
    ...(aliases.length > 0 ? { hostAliases: aliases } : {}),
    ...podOptions(ctx, service),
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers: [container],
    ...(volumes.length > 0 ? { volumes } : {}),
  };
  const template = {
    metadata: {
      labels: { ...user.labels, ...networkPodLabels(ctx.project, service), ...baseLabels },
      ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
    },
    spec: podSpec,
  };
  const metadata = {
    name,
    namespace: ctx.namespace,
    labels: { ...user.labels, ...service.deploy?.labels, ...baseLabels },
    annotations: workloadAnnotations,
  };
  const workload: KubeManifest =
    params.kind === "Job"
      ? { apiVersion: "batch/v1", kind: "Job", metadata, spec: { backoffLimit: jobRestart?.backoffLimit ?? 0, template } }
      : {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata,
          spec: {
            replicas: service.replicas,
            selector: { matchLabels: selectorLabels(project, service.name) },
            // Two pods of one service must not hold the same ReadWriteOnce claim during a rollout.
            ...(volumePlan.namedVolumes.length > 0 ? { strategy: { type: "Recreate" } } : {}),
            template,
          },
        };

  const opaqueSecret = (secretName: string, stringData: Readonly<Record<string, string>>): KubeManifest => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretName, namespace: ctx.namespace, labels: { ...baseLabels } },
    type: "Opaque",
    stringData,
  });
  const envSecret = hasEnvSecret ? opaqueSecret(envSecretName, environment.secretData) : undefined;
  const filesSecret = hasFiles ? opaqueSecret(filesSecretName, volumePlan.fileData) : undefined;
  return {
    kind: params.kind,
    name,
    workload,
    ...(envSecret ? { envSecret } : {}),
    ...(filesSecret ? { filesSecret } : {}),
    namedVolumes: volumePlan.namedVolumes,
    secrets,
    configs,
    syncMappings: volumePlan.syncMappings,
    ...(livePlan.live ? { live: livePlan.live } : {}),
  };
};
