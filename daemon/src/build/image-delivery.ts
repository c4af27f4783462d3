/**
 * How a locally built image reaches the cluster. Pure decision, made from facts the engine gathers once:
 *   1. an explicit choice (DEVLOOP_IMAGE_DELIVERY) wins;
 *   2. "docker": the kubelet runs its containers on the same Docker engine we build on (the local test bed, Docker
 *      Desktop, minikube with `docker-env`): nothing to do, imagePullPolicy IfNotPresent/Never finds it. Only the
 *      nodes an ordinary pod can land on count: a node with a NoSchedule/NoExecute taint or cordoned takes only
 *      pods that ask for it (the two-node bed's second node), and such a pod needs DEVLOOP_IMAGE_DELIVERY=registry;
 *   3. "kind": the kube context is kind's ("kind-<cluster>") or every node carries kind's node image: the image is
 *      loaded into the nodes (`kind load docker-image <ref> --name <cluster>`);
 *   4. "registry": a registry is configured (DEVLOOP_REGISTRY): tag <registry>/<repo>:<tag>, push;
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
  readonly explicit?: string;
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
  if (explicit !== undefined && explicit !== "") {
    if (explicit === "docker") return { ok: true, delivery: { strategy: "docker", reason: "chosen explicitly" } };
    if (explicit === "kind") {
      const cluster = kindCluster(facts) ?? "kind";
      return { ok: true, delivery: { strategy: "kind", cluster, reason: "chosen explicitly" } };
    }
    if (explicit === "registry") {
      if (facts.registry === undefined || facts.registry === "") {
        return { ok: false, message: "image delivery \"registry\" needs a registry: set DEVLOOP_REGISTRY (e.g. localhost:5000)" };
      }
      return { ok: true, delivery: { strategy: "registry", registry: facts.registry.replace(/\/+$/, ""), reason: "chosen explicitly" } };
    }
    return { ok: false, message: `unknown image delivery "${explicit}"; expected one of ${DELIVERY_STRATEGIES.join(", ")}` };
  }
  if (sharesDocker(facts)) return { ok: true, delivery: { strategy: "docker", reason: "the kubelet runs on this Docker engine" } };
  const cluster = kindCluster(facts);
  if (cluster !== undefined) return { ok: true, delivery: { strategy: "kind", cluster, reason: `kind cluster "${cluster}"` } };
  if (facts.registry !== undefined && facts.registry !== "") {
    return { ok: true, delivery: { strategy: "registry", registry: facts.registry.replace(/\/+$/, ""), reason: "a registry is configured" } };
  }
  return {
    ok: false,
    message: "cannot get locally built images to this cluster: it does not share this Docker engine and is not kind; set DEVLOOP_REGISTRY to push to a registry",
  };
};

/** The reference the manifests must use for a built image under a delivery ("shop-web:dl-…" or "<registry>/shop-web:dl-…"). */
export const deliveredReference = (delivery: ImageDelivery, tag: string): string =>
  delivery.strategy === "registry" ? `${delivery.registry}/${tag}` : tag;

/** The command that loads an image into a kind cluster's nodes (what the adapter runs). */
export const kindLoadCommand = (cluster: string, ref: string): readonly string[] => ["kind", "load", "docker-image", ref, "--name", cluster];
