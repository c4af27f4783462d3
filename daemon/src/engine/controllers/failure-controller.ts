/**
 * Reads what a failed service's pod left behind, once per crash (selectors' Crash.key: pod, restarts, reason, exit
 * code): the crashed container's last failureLogLines log lines (the previous run's after a restart) and the pod's
 * events. They reach `devloop up`, `devloop status` and the dashboard as PublicService.failure.
 */
import type { ClusterClient } from "../../ports/cluster.js";
import type { Clock } from "../../clock/clock.js";
import type { Dispatch } from "../actions.js";
import type { Crash } from "../selectors.js";
import { serviceViews } from "../selectors.js";
import type { EngineState, FailureReport } from "../state.js";
import { failureLogLines } from "../state.js";
import type { Controller } from "./controller.js";

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const createFailureController = ({ cluster, clock }: { cluster: ClusterClient; clock: Clock }): Controller => {
  /** "project/service" → the crash key being read or read. */
  const read = new Map<string, string>();

  const readLog = async (namespace: string, crash: Crash): Promise<readonly string[]> => {
    const params = { namespace, pod: crash.pod, container: crash.container, tailLines: failureLogLines };
    // A container terminated a moment ago may already have been restarted: then its log is the previous one.
    const first = await cluster.readLog({ ...params, previous: crash.previous }).catch(() => []);
    if (first.length > 0) return first;
    return cluster.readLog({ ...params, previous: !crash.previous }).catch(() => first);
  };

  const report = async (namespace: string, crash: Crash): Promise<FailureReport> => {
    const errors: string[] = [];
    const [logTail, events] = await Promise.all([
      readLog(namespace, crash),
      cluster.podEvents(namespace, crash.pod).catch((error: unknown) => {
        errors.push(messageOf(error));
        return [] as readonly string[];
      }),
    ]);
    return { key: crash.key, pod: crash.pod, container: crash.container, logTail, events: events.slice(-10), ...(errors.length > 0 ? { error: errors.join("; ") } : {}), at: clock.now() };
  };

  return {
    name: "failure",
    onChange(state: EngineState, dispatch: Dispatch) {
      if (!state.cluster.reachable) return;
      for (const project of Object.values(state.projects)) {
        const loaded = project.loaded;
        if (!loaded || project.status !== "active") continue;
        for (const view of Object.values(serviceViews(project))) {
          const crash = view.crash;
          const id = `${project.name}/${view.name}`;
          if (crash === undefined || !view.failed) continue;
          if (read.get(id) === crash.key || project.failures?.[view.name]?.key === crash.key) continue;
          read.set(id, crash.key);
          void report(loaded.namespace, crash).then((r) => dispatch({ type: "failureReported", project: project.name, service: view.name, report: r }));
        }
      }
    },
  };
};
