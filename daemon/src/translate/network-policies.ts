/**
 * Compose networks → NetworkPolicies. In Compose a service reaches only the services it shares a network with (a
 * service without `networks:` is on "default"). When the services of a project are not all on the same networks,
 * each pod is labelled with its networks and each network gets a NetworkPolicy admitting ingress to its members
 * from its members only; pods carry `devloop.dev/networks: isolated` so the namespace-wide same-namespace default
 * (policy/isolation.ts) leaves them to these policies. A project whose services all share the same networks gets no
 * policy: nothing to separate. Egress (and `internal: true`) is not restricted. Enforcement needs a network plugin
 * that implements NetworkPolicy; without one the objects are accepted and have no effect.
 */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import { compareStrings } from "./compare.js";
import { LABEL_PREFIX, Labels, projectLabels, toLabelValue } from "./labels.js";
import { toDnsLabel } from "./names.js";
import type { KubeManifest } from "./types.js";

/** Label key prefix of network membership: `net.devloop.dev/<network>: "true"`. */
export const NETWORK_LABEL_PREFIX = `net.${LABEL_PREFIX}` as const;
export const NETWORK_ISOLATED = "isolated";

export const networkLabel = (network: string): string => `${NETWORK_LABEL_PREFIX}/${toLabelValue(network)}`;

export const networkPolicyName = (project: string, network: string): string => toDnsLabel(`${project}-net-${network}`);

/** The networks a service is attached to, sorted: its networks: keys, or "default" when it names none. */
export const serviceNetworks = (service: ServiceSpec): readonly string[] => {
  const names = Object.keys(service.networks);
  return names.length > 0 ? [...names].sort(compareStrings) : ["default"];
};

const isolatedCache = new WeakMap<ComposeProject, boolean>();

/** True when some services are on different networks than others, so there is something to separate. */
export const hasNetworkIsolation = (project: ComposeProject): boolean => {
  const cached = isolatedCache.get(project);
  if (cached !== undefined) return cached;
  const memberships = new Set(Object.values(project.services).map((s) => serviceNetworks(s).join("\n")));
  const isolated = memberships.size > 1;
  isolatedCache.set(project, isolated);
  return isolated;
};

/** The pod labels of a service's networks; none when the project needs no separation. */
export const networkPodLabels = (project: ComposeProject, service: ServiceSpec): Record<string, string> =>
  hasNetworkIsolation(project)
    ? { [Labels.networks]: NETWORK_ISOLATED, ...Object.fromEntries(serviceNetworks(service).map((n) => [networkLabel(n), "true"])) }
    : {};

/** One NetworkPolicy per network in use: its members admit ingress from its members. */
export const buildNetworkPolicies = (project: ComposeProject, namespace: string): readonly KubeManifest[] => {
  if (!hasNetworkIsolation(project)) return [];
  const networks = [...new Set(Object.values(project.services).flatMap(serviceNetworks))].sort(compareStrings);
  return networks.map((network) => {
    const members = { [Labels.project]: toLabelValue(project.name), [networkLabel(network)]: "true" };
    return {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: networkPolicyName(project.name, network), namespace, labels: projectLabels(project.name) },
      spec: { podSelector: { matchLabels: members }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: members } }] }] },
    };
  });
};
