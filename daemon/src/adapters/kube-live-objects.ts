/** LiveObjects over client-node: a GET per object (404 = absent), reading devloop's input-hash annotation. */
import { KubernetesObjectApi, type KubeConfig } from "@kubernetes/client-node";
import { inputHashAnnotation } from "../engine/labels.js";
import type { LiveObjects, LiveState } from "../ports/live-objects.js";
import { rewordKubeError, statusCode } from "./kube-errors.js";

export const createKubeLiveObjects = (kc: KubeConfig): LiveObjects => {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const server = kc.getCurrentCluster()?.server;
  return {
    states: (manifests) =>
      Promise.all(
        manifests.map(async (m): Promise<LiveState> => {
          try {
            const live = await objects.read({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, ...(m.metadata.namespace === undefined ? {} : { namespace: m.metadata.namespace }) } });
            return { exists: true, inputHash: live.metadata?.annotations?.[inputHashAnnotation] ?? "" };
          } catch (error) {
            if (statusCode(error) === 404) return { exists: false };
            throw rewordKubeError(`read ${m.kind} ${m.metadata.name}`, error, server);
          }
        }),
      ),
  };
};
