/**
 * The Service named after the compose service, so the compose hostname resolves in the namespace.
 * ports and expose → ClusterIP ports on the container port (what other containers use in Compose);
 * the host-published port is recorded in an annotation for the engine's port-forward. A long-running
 * service without ports gets a headless Service (clusterIP: None), so its name still resolves.
 */
import type { ServiceSpec } from "../compose/types.js";
import { containerPorts } from "./container.js";
import { Annotations, selectorLabels, serviceLabels } from "./labels.js";
import { isDnsLabel } from "./names.js";
import type { KubeManifest } from "./types.js";

export interface ServiceParams {
  readonly project: string;
  readonly namespace: string;
  readonly name: string;
  readonly headlessWhenPortless: boolean;
  /** The compose service whose pods the Service selects, when not its own (a sidecar in that service's pod). */
  readonly podsOf?: string;
}

export const buildService = (service: ServiceSpec, params: ServiceParams): KubeManifest | undefined => {
  const ports = containerPorts(service);
  if (ports.length === 0 && !params.headlessWhenPortless) return undefined;
  const appProtocols = new Map(service.ports.filter((p) => p.appProtocol).map((p) => [`${p.target}/${p.protocol.toUpperCase()}`, p.appProtocol]));
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: params.name,
      namespace: params.namespace,
      labels: serviceLabels(params.project, service.name),
    },
    spec: {
      type: "ClusterIP",
      ...(ports.length === 0 ? { clusterIP: "None" } : {}),
      selector: selectorLabels(params.project, params.podsOf ?? service.name),
      ...(ports.length > 0
        ? {
            ports: ports.map((p) => {
              const appProtocol = appProtocols.get(`${p.containerPort}/${p.protocol}`);
              return {
                name: p.name ?? `${p.protocol.toLowerCase()}-${p.containerPort}`,
                port: p.containerPort,
                targetPort: p.containerPort,
                protocol: p.protocol,
                ...(appProtocol ? { appProtocol } : {}),
              };
            }),
          }
        : {}),
    },
  };
};

/**
 * Network aliases of a service (networks.<net>.aliases), so those hostnames resolve too: the valid DNS labels
 * that are not already a service's name, sorted and without repeats.
 */
export const networkAliases = (service: ServiceSpec, taken: ReadonlySet<string>): string[] => {
  const aliases = Object.values(service.networks).flatMap((n) => n.aliases);
  return [...new Set(aliases)].filter((a) => isDnsLabel(a) && /^[a-z]/.test(a) && !taken.has(a)).sort();
};

/** One more Service per alias, selecting the same pods with the same ports. */
export const aliasServices = (base: KubeManifest, aliases: readonly string[]): KubeManifest[] =>
  aliases.map((alias) => ({
    ...base,
    metadata: {
      ...base.metadata,
      name: alias,
      annotations: { ...base.metadata.annotations, [Annotations.aliasOf]: base.metadata.name },
    },
  }));
