/**
 * The dashboard's translation view: for each service, each compose key it uses and the Kubernetes fields
 * that key became. Keys with a translation warning are "partial", ignored or rejected keys "ignored".
 */
import type { ServiceSpec } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { superviseImageCommandAnnotation } from "../supervisor/supervisor.js";
import { serviceName, type TranslateContext } from "./context.js";
import { fileObjectName } from "./file-objects.js";
import { Annotations } from "./labels.js";
import { seedContainerName } from "./live.js";
import { hasNetworkIsolation, networkPolicyName, serviceNetworks } from "./network-policies.js";
import { presentServiceKeys } from "./present-keys.js";
import { parseUser } from "./security-context.js";
import { SHM_PATH } from "./shm-volume.js";
import { SupportStatus, supportFor } from "./support.js";
import type { TranslationEntry } from "./types.js";
import { claimName } from "./volume-claim.js";
import type { WorkloadPlan } from "./workload.js";

const fieldsFor = (ctx: TranslateContext, view: ServiceView, key: string): readonly string[] => {
  const { service, plan, hasService } = view;
  // A sidecar's fields are in its host's workload, in the container named after it.
  const ref = view.host === undefined ? `${plan.kind}/${plan.name}` : `${view.host.kind}/${view.host.name}`;
  const pod = `${ref} spec.template.spec`;
  const c = view.host === undefined ? `${pod}.containers[0]` : `${pod}.containers[${plan.name}]`;
  const svc = `Service/${serviceName(ctx, service.name)}`;
  const envSecret = plan.envSecret ? [`Secret/${plan.envSecret.metadata.name} stringData`] : [];
  switch (key) {
    case "image":
    case "build":
    case "pull_policy":
      return [`${c}.image`, `${c}.imagePullPolicy`];
    case "entrypoint":
      return [`${c}.command`];
    case "command":
      return [service.entrypoint === null || service.entrypoint?.length === 0 ? `${c}.command` : `${c}.args`];
    case "environment":
      return [`${c}.env`, ...envSecret];
    case "env_file":
      return [...envSecret, `${c}.env[].valueFrom.secretKeyRef`];
    case "ports":
      return [...(hasService ? [`${svc} spec.ports`] : []), `${c}.ports`];
    case "expose":
      return [...(hasService ? [`${svc} spec.ports`] : []), `${c}.ports`];
    case "volumes":
      return [
        `${pod}.volumes`,
        `${c}.volumeMounts`,
        ...plan.namedVolumes.map((v) => `PersistentVolumeClaim/${claimName(ctx.project, v)}`),
        ...(plan.filesSecret ? [`Secret/${plan.filesSecret.metadata.name} stringData`] : []),
      ];
    case "tmpfs":
      return [`${pod}.volumes[].emptyDir.medium: Memory`, `${c}.volumeMounts`];
    case "shm_size":
      return (service.shmSize ?? 0) > 0 ? [`${pod}.volumes[].emptyDir.medium: Memory`, `${c}.volumeMounts[${SHM_PATH}]`] : [];
    case "cpus":
    case "mem_limit":
    case "mem_reservation":
      return [`${c}.resources`];
    case "post_start":
      return [`${c}.lifecycle.postStart`];
    case "pre_stop":
      return [`${c}.lifecycle.preStop`];
    case "healthcheck":
      return [`${c}.readinessProbe`];
    case "depends_on":
      return [`${ref} metadata.annotations[${Annotations.dependsOn}]`, "dependency graph"];
    case "deploy":
      return [
        ...(plan.kind === "Deployment" ? [`${ref} spec.replicas`] : plan.kind === "Job" ? [`${ref} spec.backoffLimit`] : []),
        `${c}.resources`,
        `${ref} metadata.labels`,
        ...(service.deploy?.placement !== undefined && view.host === undefined ? [`${pod}.nodeSelector`, `${pod}.affinity.nodeAffinity`] : []),
      ];
    case "scale":
      return [`${ref} spec.replicas`];
    case "restart":
      return plan.kind === "Job" ? [`${pod}.restartPolicy`, `${ref} spec.backoffLimit`] : [];
    case "user": {
      const ids = service.user === undefined ? undefined : parseUser(service.user);
      return [...(ids?.uid !== undefined ? [`${c}.securityContext.runAsUser`] : []), ...(ids?.gid !== undefined ? [`${c}.securityContext.runAsGroup`] : [])];
    }
    case "working_dir":
      return [`${c}.workingDir`];
    case "hostname":
      return [`${pod}.hostname`];
    case "labels":
    case "label_file":
      return [`${ref} metadata.labels`, `${ref} spec.template.metadata.labels`];
    case "annotations":
      return [`${ref} metadata.annotations`, `${ref} spec.template.metadata.annotations`];
    case "stop_grace_period":
      return [`${pod}.terminationGracePeriodSeconds`];
    case "init":
      return [`${pod}.shareProcessNamespace`];
    case "tty":
      return [`${c}.tty`];
    case "stdin_open":
      return [`${c}.stdin`];
    case "privileged":
      return [`${c}.securityContext.privileged`];
    case "read_only":
      return [`${c}.securityContext.readOnlyRootFilesystem`];
    case "cap_add":
      return [`${c}.securityContext.capabilities.add`];
    case "cap_drop":
      return [`${c}.securityContext.capabilities.drop`];
    case "networks":
      return [
        ...[...new Set(Object.values(service.networks).flatMap((n) => n.aliases))].sort().map((a) => `Service/${a}`),
        ...(hasNetworkIsolation(ctx.project) ? [...serviceNetworks(service).map((n) => `NetworkPolicy/${networkPolicyName(ctx.project.name, n)}`), `${ref} spec.template.metadata.labels`] : []),
      ];
    case "network_mode":
    case "ipc":
    case "volumes_from":
      return view.host !== undefined
        ? [`${pod}.containers[${plan.name}]`, `${ref} spec.template.metadata.labels[sidecar.devloop.dev/${service.name}]`, ...(key === "volumes_from" ? [`${pod}.containers[${plan.name}].volumeMounts`] : [])]
        : key === "network_mode" && service.networkMode === "host"
          ? [`${pod}.hostNetwork`, `${pod}.dnsPolicy`]
          : key === "ipc" && service.ipc === "host"
            ? [`${pod}.hostIPC`]
            : [];
    case "extra_hosts":
      return [`${pod}.hostAliases`];
    case "group_add":
      return [`${pod}.securityContext.supplementalGroups`];
    case "sysctls":
      return [`${pod}.securityContext.sysctls`];
    case "dns":
      return [`${pod}.dnsConfig.nameservers`];
    case "dns_search":
      return [`${pod}.dnsConfig.searches`];
    case "dns_opt":
      return [`${pod}.dnsConfig.options`];
    case "secrets":
      return [...plan.secrets.map((s) => `Secret/${fileObjectName("secret", ctx.project.secrets[s], s)}`), `${c}.volumeMounts`];
    case "configs":
      return [...plan.configs.map((s) => `ConfigMap/${fileObjectName("config", ctx.project.configs[s], s)}`), `${c}.volumeMounts`];
    case "develop":
    case "x-devloop": {
      const live = plan.live;
      if (live === undefined || (key === "develop" && live.rules.length === 0) || (key === "x-devloop" && live.compile === undefined)) return [];
      const seeded = live.seededDirs.length > 0 ? [`${pod}.initContainers[${seedContainerName}]`, `${pod}.volumes[].emptyDir`, `${c}.volumeMounts`] : [];
      const supervised = live.restart === "process" ? (service.entrypoint ? [`${c}.command`, `${c}.args`] : [`${ref} spec.template.metadata.annotations[${superviseImageCommandAnnotation}]`]) : [];
      return [...seeded, ...supervised, "live sync"];
    }
    default:
      return [];
  }
};

export interface ServiceView {
  readonly service: ServiceSpec;
  readonly plan: WorkloadPlan;
  readonly hasService: boolean;
  /** The plan of the service whose pod this one joined (a sidecar). */
  readonly host?: WorkloadPlan;
}

/** The first diagnostic message per service key path ("services.web.user"), for the "partial" notes. */
export const firstIssueByKey = (diagnostics: readonly Diagnostic[]): ReadonlyMap<string, string> => {
  const out = new Map<string, string>();
  for (const d of diagnostics) {
    const key = /^services\.[^.[]+\.[^.[]+/.exec(d.path)?.[0];
    if (key !== undefined && !out.has(key)) out.set(key, d.message);
  }
  return out;
};

export const translationEntries = (ctx: TranslateContext, view: ServiceView, issues: ReadonlyMap<string, string>): readonly TranslationEntry[] => {
  const { service } = view;
  return presentServiceKeys(ctx.project, service).flatMap((key): TranslationEntry[] => {
    const composePath = `services.${service.name}.${key}`;
    const support = supportFor(composePath);
    if (support === undefined) return [];
    if (support.status !== SupportStatus.translated) {
      return [{ service: service.name, composePath, kubeFields: [], status: "ignored", note: support.note }];
    }
    const issue = issues.get(composePath);
    const kubeFields = fieldsFor(ctx, view, key);
    const note = issue ?? (support.note === "" ? undefined : support.note);
    return [{ service: service.name, composePath, kubeFields, status: issue !== undefined ? "partial" : "translated", ...(note === undefined ? {} : { note }) }];
  });
};
