/**
 * How a compiled artifact reaches a running container. Pure decision, made per project with its image delivery
 * (build/image-delivery.ts, engine/project-delivery.ts), then verified per pod:
 *   1. an explicit choice (DEVLOOP_ARTIFACT_DELIVERY = docker / exec) wins;
 *   2. "docker": built images reach the cluster through this Docker engine (image delivery "docker": the kubelet runs
 *      its containers here, as on the local bed, Docker Desktop or minikube with `docker-env`). The artifact is put with
 *      the engine's archive API straight into the pod's container — no apiserver, kubelet or WebSocket on the way.
 *      Only a container that carries the pod's UID (the kubelet's io.kubernetes.pod.uid label, compared with the
 *      apiserver's) and runs is used; any other case falls back to exec for that put;
 *   3. "exec": otherwise, through the exec session (adapters/tar-syncer.ts).
 */
import type { ImageDelivery } from "../build/image-delivery.js";
import type { SyncPod } from "./sync-pod.js";
import { parseUser } from "../translate/security-context.js";

export const ARTIFACT_DELIVERIES = ["docker", "exec"] as const;

export interface ArtifactDeliveryFacts {
  readonly explicit?: string;
  readonly imageDelivery: ImageDelivery["strategy"];
}

export type ArtifactDelivery = { readonly strategy: (typeof ARTIFACT_DELIVERIES)[number]; readonly reason: string };

export type ArtifactDeliveryDecision = { readonly ok: true; readonly delivery: ArtifactDelivery } | { readonly ok: false; readonly message: string };

export const chooseArtifactDelivery = (facts: ArtifactDeliveryFacts): ArtifactDeliveryDecision => {
  const explicit = facts.explicit?.trim();
  if (explicit !== undefined && explicit !== "") {
    if (explicit === "docker" || explicit === "exec") return { ok: true, delivery: { strategy: explicit, reason: "chosen explicitly" } };
    return { ok: false, message: `unknown artifact delivery "${explicit}"; expected one of ${ARTIFACT_DELIVERIES.join(", ")}` };
  }
  if (facts.imageDelivery === "docker") {
    return { ok: true, delivery: { strategy: "docker", reason: "images reach the cluster through this Docker engine: put into the pod's container when it runs here" } };
  }
  return { ok: true, delivery: { strategy: "exec", reason: `images reach the cluster by ${facts.imageDelivery}: the pods run elsewhere` } };
};

/** The kubelet's labels on a pod's containers (dockershim and cri-dockerd). */
export const podLabels = {
  namespace: "io.kubernetes.pod.namespace",
  name: "io.kubernetes.pod.name",
  uid: "io.kubernetes.pod.uid",
  container: "io.kubernetes.container.name",
} as const;

export interface EngineContainer {
  readonly id: string;
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The engine's container that is this pod's `container` right now: running, with the pod's namespace, name and UID.
 * Undefined when there is none or more than one (never guess which container to write into).
 */
export const pickPodContainer = (candidates: readonly EngineContainer[], pod: SyncPod, uid: string): EngineContainer | undefined => {
  const matching = candidates.filter((c) =>
    c.state === "running" &&
    c.labels[podLabels.namespace] === pod.namespace &&
    c.labels[podLabels.name] === pod.pod &&
    c.labels[podLabels.container] === pod.container &&
    c.labels[podLabels.uid] === uid);
  return matching.length === 1 ? matching[0] : undefined;
};

/**
 * The owner an archive's entries get, so the file is owned as `tar -x` over exec (run as the container's user) would
 * leave it: the container's Config.User when numeric ("1000", "1000:1000"; no group = 0), root when empty. A user
 * given by name cannot be resolved without the container's /etc/passwd: undefined (put over exec instead).
 */
export const archiveOwner = (user: string): { readonly uid: number; readonly gid: number } | undefined => {
  if (user.trim() === "") return { uid: 0, gid: 0 };
  const ids = parseUser(user);
  return ids === undefined ? undefined : { uid: ids.uid ?? 0, gid: ids.gid ?? 0 };
};
