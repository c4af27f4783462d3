/**
 * The facts image delivery is decided from (build/image-delivery.ts), gathered once when the daemon starts: the
 * cluster's nodes (name, runtime, whether an ordinary pod can land there) and this Docker engine's name. A
 * namespace-scoped identity may not list nodes: it is asked first (SelfSubjectAccessReview), and then the nodes stay
 * unknown, which is what the decision gets when anything here fails or takes longer than the timeout.
 */
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Node } from "@kubernetes/client-node";
import Docker from "dockerode";
import type { ClusterNodeFacts } from "../build/image-delivery.js";
import { createKubeAccess } from "./kube-access.js";

export interface GatheredDeliveryFacts {
  readonly nodes: readonly ClusterNodeFacts[];
  readonly dockerEngineName?: string;
  /** Why the nodes are unknown, when they are. */
  readonly note?: string;
}

/** A node as image delivery sees it; NoSchedule/NoExecute taints and a cordon make it take only pods that ask. */
export const nodeFacts = (node: V1Node): ClusterNodeFacts => ({
  name: node.metadata?.name ?? "",
  containerRuntime: node.status?.nodeInfo?.containerRuntimeVersion ?? "",
  labels: node.metadata?.labels ?? {},
  schedulable: node.spec?.unschedulable !== true && !(node.spec?.taints ?? []).some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"),
});

const within = <T>(ms: number, promise: Promise<T>): Promise<T | undefined> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";

export const gatherDeliveryFacts = async (kubeConfig: KubeConfig, options: { docker?: Docker; timeoutMs?: number } = {}): Promise<GatheredDeliveryFacts> => {
  const timeoutMs = options.timeoutMs ?? 3000;
  const docker = options.docker ?? new Docker();
  const engineName = within(timeoutMs, docker.info() as Promise<{ Name?: string }>).then((info) => info?.Name, () => undefined);
  const nodes = (async (): Promise<{ nodes: readonly ClusterNodeFacts[]; note?: string }> => {
    try {
      const allowed = await within(timeoutMs, createKubeAccess(kubeConfig).can({ verb: "list", resource: "nodes" }));
      if (allowed === undefined) return { nodes: [], note: `no answer from the apiserver within ${timeoutMs} ms` };
      if (!allowed) return { nodes: [], note: "this identity may not list nodes" };
      const list = await within(timeoutMs, kubeConfig.makeApiClient(CoreV1Api).listNode());
      if (list === undefined) return { nodes: [], note: `no node list within ${timeoutMs} ms` };
      return { nodes: list.items.map(nodeFacts) };
    } catch (error) {
      return { nodes: [], note: message(error) };
    }
  })();
  const [gathered, dockerEngineName] = await Promise.all([nodes, engineName]);
  return { ...gathered, ...(dockerEngineName === undefined ? {} : { dockerEngineName }) };
};
