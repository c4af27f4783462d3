/** A pod as the apiserver has it (one GET per call), and its UID; undefined when the pod does not exist. */
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import type { SyncPod } from "../ports/syncer.js";

export const createPodReader = (kc: KubeConfig): ((pod: SyncPod) => Promise<V1Pod | undefined>) => {
  const core = kc.makeApiClient(CoreV1Api);
  return async (pod) => {
    try {
      return await core.readNamespacedPod({ namespace: pod.namespace, name: pod.pod });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  };
};

export const createPodUidLookup = (kc: KubeConfig): ((pod: SyncPod) => Promise<string | undefined>) => {
  const read = createPodReader(kc);
  return async (pod) => (await read(pod))?.metadata?.uid;
};
