/**
 * Which pods and which container a compose service runs in. A service normally has pods of its own (labelled
 * devloop.dev/service=<service>, its container named after it); a service that joined another's pod (a sidecar:
 * network_mode / ipc service:, volumes_from) runs as one container in each of that service's pods, which carry the
 * label sidecar.devloop.dev/<service>=<container> (translate/pod-join.ts). A `devloop run` pod carries the project's
 * label and devloop.dev/run=<service>, not the service's: no status, log or forward counts it; the live loop syncs
 * the service's binds with it (live/live-pods.ts).
 */
import { Annotations, Labels as LabelKeys, sidecarLabel } from "../translate/labels.js";
import type { KubeManifest } from "../translate/types.js";

type Labels = Readonly<Record<string, string>>;

/** The container the service runs as in a pod with these labels, or undefined when the pod is not the service's. */
export const sidecarContainer = (labels: Labels, service: string): string | undefined => labels[sidecarLabel(service)];

/** A `devloop run` pod (of any service), by its labels. */
export const isRunPod = (labels: Labels): boolean => labels[LabelKeys.run] !== undefined;

/** True when the pod (by its labels) runs the service: its own pod, or the pod it joined. */
export const runsService = (labels: Labels, service: string): boolean => labels[LabelKeys.service] === service || sidecarContainer(labels, service) !== undefined;

/** The service a container of a pod belongs to: the sidecar named by the pod's labels, else the pod's own service. */
export const serviceOfContainer = (labels: Labels, container: string, sidecars: readonly string[]): string => sidecars.find((s) => sidecarContainer(labels, s) === container) ?? labels[LabelKeys.service] ?? "";

/** The services that joined `host`'s pod (its workload's devloop.dev/sidecars), in the order translate put them. */
export const sidecarsOf = (manifests: readonly KubeManifest[], host: string): readonly string[] =>
  manifests.find((m) => m.metadata.labels?.[LabelKeys.service] === host && m.metadata.annotations?.[Annotations.sidecars] !== undefined)?.metadata.annotations?.[Annotations.sidecars]?.split(",") ?? [];

/** The service whose pod `service` joined (its workload lists it in devloop.dev/sidecars), or undefined. */
export const sidecarHost = (manifests: readonly KubeManifest[], service: string): string | undefined => {
  const host = manifests.find((m) => m.metadata.annotations?.[Annotations.sidecars]?.split(",").includes(service) === true);
  return host?.metadata.labels?.[LabelKeys.service];
};
