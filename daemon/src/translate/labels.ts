/**
 * The labels every generated object carries. Selectors use only the devloop labels, so a user label can
 * never widen or narrow what a Service or Deployment selects.
 */
import { shortHash } from "./hash.js";

export const LABEL_PREFIX = "devloop.dev" as const;

export const Labels = {
  name: "app.kubernetes.io/name",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  /** The compose service name (as a label value). */
  service: `${LABEL_PREFIX}/service`,
  /** The compose project name. */
  project: `${LABEL_PREFIX}/project`,
  /** The compose volume / secret / config a PVC, Secret or ConfigMap came from. */
  volume: `${LABEL_PREFIX}/volume`,
  secret: `${LABEL_PREFIX}/secret`,
  config: `${LABEL_PREFIX}/config`,
  /** "isolated" on pods whose ingress the compose networks' NetworkPolicies govern (network-policies.ts). */
  networks: `${LABEL_PREFIX}/networks`,
  /**
   * On a `devloop run` pod (cli/src/one-off-pod.ts): the service it runs a one-off command of. The pod has the project
   * label (the project's watch sees it, so the live loop syncs its binds) but not the service's.
   */
  run: `${LABEL_PREFIX}/run`,
} as const;

export const Annotations = {
  /** depends_on as "service:condition[,required=false][,restart]" entries joined by ";". */
  dependsOn: `${LABEL_PREFIX}/depends-on`,
  /** Hash of the ConfigMap/Secret content a pod consumes, so a content change rolls the pods. */
  configHash: `${LABEL_PREFIX}/config-hash`,
  /** The compose service a workload came from, verbatim (label values are restricted, annotations are not). */
  composeService: `${LABEL_PREFIX}/compose-service`,
  /** On a Service made for a network alias: the Service of the compose service it stands for. */
  aliasOf: `${LABEL_PREFIX}/alias-of`,
  /** Bind mounts the sync engine fills: "volumeName=hostPath:target" entries joined by ";". */
  syncMounts: `${LABEL_PREFIX}/sync`,
  /** On a workload whose pod other services joined (network_mode / ipc service:, volumes_from): their names, joined by ",". */
  sidecars: `${LABEL_PREFIX}/sidecars`,
} as const;

/** The pod label naming the container of a service that joined the pod: sidecar.devloop.dev/<service> = <container>. */
export const SIDECAR_LABEL_PREFIX = `sidecar.${LABEL_PREFIX}/` as const;

export const MANAGED_BY = "devloop";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label value as Kubernetes accepts it (≤ 63, alphanumerics, '-', '_', '.'). */
export const isLabelValue = (value: string): boolean => value.length <= 63 && LABEL_VALUE.test(value);

/** A qualified label or annotation key: optional DNS-subdomain prefix, "/", a name of ≤ 63 characters. */
export const isLabelKey = (key: string): boolean => {
  const slash = key.lastIndexOf("/");
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  if (name.length === 0 || name.length > 63 || !LABEL_KEY_NAME.test(name)) return false;
  return prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
};

/** A label value for a compose name: kept when valid, otherwise sanitised (the annotation keeps the original). */
export const toLabelValue = (value: string): string => {
  if (isLabelValue(value)) return value;
  const cleaned = value.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
  if (cleaned.length <= 63) return cleaned;
  // Cut with a hash of the original, so two long names never share a selector.
  const suffix = `-${shortHash(value)}`;
  return `${cleaned.slice(0, 63 - suffix.length).replace(/[^A-Za-z0-9]+$/, "")}${suffix}`;
};

/** Labels on every object of a project. */
export const projectLabels = (project: string): Record<string, string> => ({
  [Labels.partOf]: toLabelValue(project),
  [Labels.managedBy]: MANAGED_BY,
  [Labels.project]: toLabelValue(project),
});

/** Labels on every object that belongs to one compose service. */
export const serviceLabels = (project: string, service: string): Record<string, string> => ({
  [Labels.name]: toLabelValue(service),
  ...projectLabels(project),
  [Labels.service]: toLabelValue(service),
});

/** The selector of a service's pods: devloop labels only. */
export const selectorLabels = (project: string, service: string): Record<string, string> => ({
  [Labels.project]: toLabelValue(project),
  [Labels.service]: toLabelValue(service),
});

/** The pod label key of a sidecar service (its value is the container's name). */
export const sidecarLabel = (service: string): string => `${SIDECAR_LABEL_PREFIX}${toLabelValue(service)}`;
