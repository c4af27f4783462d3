/** A pod's UID as the apiserver has it (one GET per call); undefined when the pod does not exist. */
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import type { SyncPod } from "../ports/syncer.js";

export const createPodUidLookup = (kc: KubeConfig): ((pod: SyncPod) => Promise<string | undefined>) => {
  const core = kc.makeApiClient(CoreV1Api);
  return async (pod) => {
    try {
      return (await core.readNamespacedPod({ namespace: pod.namespace, name: pod.pod })).metadata?.uid;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  };
};
