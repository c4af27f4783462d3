/**
 * How a locally built image reaches the cluster. Pure decision, made per project from its own kube target's facts
 * (adapters/delivery-planner.ts gathers them for each up and compose reload) and its settings (deliverySettings):
 *   1. an explicit choice (DEVLOOP_IMAGE_DELIVERY, else the compose file's x-devloop.image_delivery) wins;
 *   2. "docker": the kubelet runs its containers on the same Docker engine we build on (the local test bed, Docker
 *      Desktop, minikube with `docker-env`): nothing to do, imagePullPolicy IfNotPresent/Never finds it. Only the
 *      nodes an ordinary pod can land on count: a node with a NoSchedule/NoExecute taint or cordoned takes only
 *      pods that ask for it (the two-node bed's second node), and such a pod needs DEVLOOP_IMAGE_DELIVERY=registry;
 *   3. "kind": the kube context is kind's ("kind-<cluster>") or every node carries kind's node image: the image is
 *      loaded into the nodes (`kind load docker-image <ref> --name <cluster>`);
 *   4. "registry": a registry is configured (DEVLOOP_REGISTRY, else x-devloop.registry): tag <registry>/<repo>:<tag>, push;
 *   5. otherwise there is no way: an error that says which setting to give.
 */
export interface ClusterNodeFacts {
  readonly name: string;
  /** node.status.nodeInfo.containerRuntimeVersion, e.g. "docker://20.10.24" or "containerd://1.7.1". */
  readonly containerRuntime: string;
  /** node.status.nodeInfo.osImage, kind nodes say e.g. "Debian GNU/Linux 12 (bookworm)"; labels are more reliable. */
  readonly labels?: Readonly<Record<string, string>>;
  /** False when a NoSchedule/NoExecute taint or spec.unschedulable keeps pods that do not ask for the node off it. */
  readonly schedulable?: boolean;
}

export interface DeliveryFacts {
  /** docker (or engine), kind, registry; absent, "" or "auto": decided from the facts. */
  readonly explicit?: string;
  /** Where the explicit choice and the registry came from, for the reason ("DEVLOOP_IMAGE_DELIVERY", "x-devloop.image_delivery"). */
  readonly explicitFrom?: string;
  readonly registryFrom?: string;
  readonly kubeContext?: string;
  readonly nodes: readonly ClusterNodeFacts[];
  /** The Docker engine's own name (docker info .Name), compared with the node names. */
  readonly dockerEngineName?: string;
  readonly registry?: string;
}

export type ImageDelivery =
  | { readonly strategy: "docker"; readonly reason: string }
  | { readonly strategy: "kind"; readonly cluster: string; readonly reason: string }
  | { readonly strategy: "registry"; readonly registry: string; readonly reason: string };

export type DeliveryDecision = { readonly ok: true; readonly delivery: ImageDelivery } | { readonly ok: false; readonly message: string };

export const DELIVERY_STRATEGIES = ["docker", "kind", "registry"] as const;

/** What DEVLOOP_IMAGE_DELIVERY and x-devloop.image_delivery take: a strategy, "engine" (= docker: the shared engine) or "auto". */
export const DELIVERY_CHOICES = ["auto", "registry", "engine", "docker", "kind"] as const;

/** The registry as DEVLOOP_REGISTRY and x-devloop.registry take it: host[:port][/path], no scheme, no tag. */
export const REGISTRY_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*\/?$/;

/** One source of the settings: a CLI flag, an environment, or the compose file's x-devloop block. */
export interface DeliverySource {
  readonly imageDelivery?: string;
  readonly registry?: string;
}

export interface DeliverySettings {
  readonly explicit?: string;
  readonly explicitFrom?: string;
  readonly registry?: string;
  readonly registryFrom?: string;
}

const given = (v: string | undefined): string | undefined => (v === undefined || v.trim() === "" ? undefined : v.trim());

/**
 * The project's delivery settings, each field from the first source that sets it: a CLI flag, then the caller's
 * environment (DEVLOOP_IMAGE_DELIVERY / DEVLOOP_REGISTRY of the shell that ran up, then the daemon's own), then the
 * compose file's top-level x-devloop.image_delivery / x-devloop.registry; nothing set: auto. "auto" at a level is
 * an explicit "decide from the facts": it stops the lower levels' choice.
 */
export const deliverySettings = (levels: readonly { readonly from: { readonly imageDelivery: string; readonly registry: string }; readonly source: DeliverySource | undefined }[]): DeliverySettings => {
  let out: DeliverySettings = {};
  for (const { from, source } of levels) {
    const choice = given(source?.imageDelivery);
    if (out.explicitFrom === undefined && choice !== undefined) out = { ...out, explicit: choice, explicitFrom: from.imageDelivery };
    const registry = given(source?.registry);
    if (out.registryFrom === undefined && registry !== undefined) out = { ...out, registry, registryFrom: from.registry };
  }
  if (out.explicit === "auto") {
    const { explicit: _e, explicitFrom: _f, ...rest } = out;
    return rest;
  }
  return out;
};

/** The environment as a settings source. */
export const envDeliverySource = (env: Readonly<Record<string, string | undefined>>): DeliverySource => ({
  ...(env["DEVLOOP_IMAGE_DELIVERY"] === undefined ? {} : { imageDelivery: env["DEVLOOP_IMAGE_DELIVERY"] }),
  ...(env["DEVLOOP_REGISTRY"] === undefined ? {} : { registry: env["DEVLOOP_REGISTRY"] }),
});

export const FLAG_FROM = { imageDelivery: "--image-delivery", registry: "--registry" } as const;
export const ENV_FROM = { imageDelivery: "DEVLOOP_IMAGE_DELIVERY", registry: "DEVLOOP_REGISTRY" } as const;
export const COMPOSE_FROM = { imageDelivery: "x-devloop.image_delivery", registry: "x-devloop.registry" } as const;

const kindCluster = (facts: DeliveryFacts): string | undefined => {
  if (facts.kubeContext?.startsWith("kind-") === true) return facts.kubeContext.slice("kind-".length);
  const first = facts.nodes[0];
  const kindNodes = facts.nodes.length > 0 && facts.nodes.every((n) => /-(control-plane|worker\d*)$/.test(n.name) && n.containerRuntime.startsWith("containerd://"));
  if (kindNodes && first !== undefined) return first.name.replace(/-(control-plane|worker\d*)$/, "");
  return undefined;
};

const sharesDocker = (facts: DeliveryFacts): boolean => {
  const open = facts.nodes.filter((n) => n.schedulable !== false);
  const nodes = open.length > 0 ? open : facts.nodes;
  return nodes.length > 0 &&
    nodes.every((n) => n.containerRuntime.startsWith("docker://")) &&
    (nodes.length === 1 || nodes.every((n) => n.name === facts.dockerEngineName));
};

export const chooseImageDelivery = (facts: DeliveryFacts): DeliveryDecision => {
  const explicit = facts.explicit?.trim();
  if (explicit !== undefined && explicit !== "" && explicit !== "auto") {
    const chosen = facts.explicitFrom === undefined ? "chosen explicitly" : `chosen by ${facts.explicitFrom}`;
    if (explicit === "docker" || explicit === "engine") return { ok: true, delivery: { strategy: "docker", reason: chosen } };
    if (explicit === "kind") {
      const cluster = kindCluster(facts) ?? "kind";
      return { ok: true, delivery: { strategy: "kind", cluster, reason: chosen } };
    }
    if (explicit === "registry") {
      if (facts.registry === undefined || facts.registry === "") {
        return { ok: false, message: `image delivery "registry"${facts.explicitFrom === undefined ? "" : ` (${facts.explicitFrom})`} needs a registry: set DEVLOOP_REGISTRY or x-devloop.registry (e.g. localhost:5000)` };
      }
      return { ok: true, delivery: { strategy: "registry", registry: facts.registry.replace(/\/+$/, ""), reason: chosen } };
    }
    return { ok: false, message: `unknown image delivery "${explicit}"${facts.explicitFrom === undefined ? "" : ` (${facts.explicitFrom})`}; expected one of ${DELIVERY_CHOICES.join(", ")}` };
  }
  if (sharesDocker(facts)) return { ok: true, delivery: { strategy: "docker", reason: "the kubelet runs on this Docker engine" } };
  const cluster = kindCluster(facts);
  if (cluster !== undefined) return { ok: true, delivery: { strategy: "kind", cluster, reason: `kind cluster "${cluster}"` } };
  if (facts.registry !== undefined && facts.registry !== "") {
    return { ok: true, delivery: { strategy: "registry", registry: facts.registry.replace(/\/+$/, ""), reason: `a registry is configured${facts.registryFrom === undefined ? "" : ` (${facts.registryFrom})`}` } };
  }
  return {
    ok: false,
    message: "cannot get locally built images to this cluster: it does not share this Docker engine and is not kind; set DEVLOOP_REGISTRY (or x-devloop.registry in the compose file) to push to a registry",
  };
};

/** The reference the manifests must use for a built image under a delivery ("shop-web:dl-…" or "<registry>/shop-web:dl-…"). */
export const deliveredReference = (delivery: ImageDelivery, tag: string): string =>
  delivery.strategy === "registry" ? `${delivery.registry}/${tag}` : tag;

/** The command that loads an image into a kind cluster's nodes (what the adapter runs). */
export const kindLoadCommand = (cluster: string, ref: string): readonly string[] => ["kind", "load", "docker-image", ref, "--name", cluster];
