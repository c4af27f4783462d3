/**
 * Keeps one watch per active project on its current namespace (workloads + pods, selected by the project label)
 * and folds what it sees into state. The adapter relists and backs off by itself; lost and regained
 * connections become clusterUnreachable / clusterReachable.
 */
import type { ClusterClient, Stoppable } from "../../ports/cluster.js";
import type { Clock } from "../../clock/clock.js";
import type { Dispatch } from "../actions.js";
import { projectSelector } from "../labels.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export const createWatchController = ({ cluster, clock }: { cluster: ClusterClient; clock: Clock }): Controller => {
  const watches = new Map<string, { namespace: string; watch: Stoppable }>();
  return {
    name: "watch",
    onChange(state: EngineState, dispatch: Dispatch) {
      const wanted = new Map<string, string>();
      for (const p of Object.values(state.projects)) {
        if (p.loaded && p.status !== "stopping") wanted.set(p.name, p.loaded.namespace);
      }
      for (const [name, w] of watches) {
        if (wanted.get(name) !== w.namespace) {
          void w.watch.stop();
          watches.delete(name);
        }
      }
      for (const [name, namespace] of wanted) {
        if (watches.has(name)) continue;
        const watch = cluster.watch(namespace, projectSelector(name), {
          onEvent: (event) => dispatch({ type: "objectsObserved", project: name, namespace, event }),
          onDisconnected: (message) => dispatch({ type: "clusterUnreachable", message, at: clock.now() }),
          onReconnected: () => dispatch({ type: "clusterReachable", at: clock.now() }),
        });
        watches.set(name, { namespace, watch });
      }
    },
    async stop() {
      await Promise.allSettled([...watches.values()].map((w) => w.watch.stop()));
      watches.clear();
    },
  };
};
