/**
 * `devloop down`: deletes everything the project put in its namespace (by label), volumes only with --volumes
 * (then the namespace itself goes, if devloop created it), then forgets the project.
 */
import type { ClusterClient } from "../../ports/cluster.js";
import type { Clock } from "../../clock/clock.js";
import type { Dispatch } from "../actions.js";
import { Labels } from "../../translate/labels.js";
import { projectSelector } from "../labels.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export const downKinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "Service", "ConfigMap", "Secret", "Pod", "NetworkPolicy", "LimitRange", "ResourceQuota"] as const;
export const volumeKinds = ["PersistentVolumeClaim"] as const;

export interface DownParams {
  readonly cluster: ClusterClient;
  readonly namespace: string;
  readonly project: string;
  readonly volumes: boolean;
}

/** Used by the controller and by `down -n OLD` for a namespace the project left. */
export const tearDown = async ({ cluster, namespace, project, volumes }: DownParams): Promise<void> => {
  await cluster.deleteByLabel(namespace, projectSelector(project), volumes ? [...downKinds, ...volumeKinds] : downKinds);
  if (volumes) {
    // A namespaced read, not a cluster-scope list: a namespace-scoped identity may read its own Namespace.
    const ns = await cluster.readNamespace(namespace);
    if (ns !== undefined && ns.labels[Labels.project] === project) await cluster.deleteNamespace(namespace);
  }
};

export const createDownController = ({ cluster, clock }: { cluster: ClusterClient; clock: Clock }): Controller => {
  const inFlight = new Set<string>();
  return {
    name: "down",
    onChange(state: EngineState, dispatch: Dispatch) {
      if (!state.cluster.reachable) return;
      for (const p of Object.values(state.projects)) {
        if (p.status !== "stopping" || !p.down || inFlight.has(p.name)) continue;
        const namespace = p.loaded?.namespace;
        if (namespace === undefined) {
          dispatch({ type: "projectRemoved", project: p.name });
          continue;
        }
        inFlight.add(p.name);
        tearDown({ cluster, namespace, project: p.name, volumes: p.down.volumes })
          .then(() => dispatch({ type: "projectRemoved", project: p.name }))
          .catch((error: unknown) => {
            dispatch({ type: "log", source: "down", level: "error", line: error instanceof Error ? error.message : String(error), project: p.name, at: clock.now() });
            clock.setTimeout(() => dispatch({ type: "tick", at: clock.now() }), 2000);
          })
          .finally(() => inFlight.delete(p.name));
      }
    },
  };
};
