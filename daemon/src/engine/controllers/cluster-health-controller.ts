/** While the cluster is unreachable, pings it with backoff (1s … 30s) and reports when it answers again: a status, never a crash. */
import type { ClusterClient } from "../../ports/cluster.js";
import type { Clock, Timer } from "../../clock/clock.js";
import type { Dispatch } from "../actions.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export const pingBackoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** attempt);

export const createClusterHealthController = ({ cluster, clock }: { cluster: ClusterClient; clock: Clock }): Controller => {
  let timer: Timer | undefined;
  let attempt = 0;
  let pinging = false;
  return {
    name: "cluster-health",
    onChange(state: EngineState, dispatch: Dispatch) {
      if (state.cluster.reachable) {
        timer?.cancel();
        timer = undefined;
        attempt = 0;
        return;
      }
      if (timer || pinging) return;
      timer = clock.setTimeout(() => {
        timer = undefined;
        pinging = true;
        cluster
          .ping()
          .then(() => {
            attempt = 0;
            dispatch({ type: "clusterReachable", at: clock.now() });
          })
          .catch((error: unknown) => {
            attempt += 1;
            dispatch({ type: "clusterUnreachable", message: error instanceof Error ? error.message : String(error), at: clock.now() });
          })
          .finally(() => {
            pinging = false;
            dispatch({ type: "tick", at: clock.now() });
          });
      }, pingBackoffMs(attempt));
    },
    stop() {
      timer?.cancel();
      return Promise.resolve();
    },
  };
};
