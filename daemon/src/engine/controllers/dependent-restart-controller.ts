/**
 * depends_on `restart: true`: Compose restarts a service after it updates or explicitly restarts a dependency. Here a
 * dependency is updated when its unit is applied with a new hash (a compose edit, a rebuild) and restarted by a
 * restart request naming it (`devloop restart db`, the dashboard). Once that dependency is ready again (its condition
 * met, as at start), the dependent gets a restart request of its own — the same path as `devloop restart`, so its
 * dependents follow in turn. The first apply of a unit, and a daemon that restarts, restart nothing.
 */
import type { Dispatch } from "../actions.js";
import { conditionMet, serviceViews } from "../selectors.js";
import type { EngineState } from "../state.js";
import type { Clock } from "../../clock/clock.js";
import type { DependencyEdge } from "../../translate/types.js";
import type { Controller } from "./controller.js";

export interface DependentRestartControllerParams {
  readonly clock: Clock;
}

interface Pending {
  /** The dependency whose update or restart this waits for. */
  readonly after: string;
  /** The restart request of the dependency, while it is still queued. */
  readonly request?: number;
}

export const createDependentRestartController = ({ clock }: DependentRestartControllerParams): Controller => {
  const applied = new Map<string, string>();
  const seenRequests = new Map<string, Set<number>>();
  const pending = new Map<string, Map<string, Pending>>();

  const markDependents = (project: string, edges: readonly DependencyEdge[], dependency: string, request?: number): void => {
    const mine = pending.get(project) ?? new Map<string, Pending>();
    for (const edge of edges) {
      if (edge.restart && edge.dependsOn === dependency) mine.set(edge.service, { after: dependency, ...(request === undefined ? {} : { request }) });
    }
    if (mine.size > 0) pending.set(project, mine);
  };

  return {
    name: "dependent-restart",
    onChange(state: EngineState, dispatch: Dispatch) {
      for (const [name, project] of Object.entries(state.projects)) {
        const edges = project.loaded?.dependencies ?? [];
        if (project.status === "stopping" || !edges.some((e) => e.restart)) {
          pending.delete(name);
          continue;
        }
        for (const [unit, u] of Object.entries(project.units)) {
          const key = `${name}\n${unit}`;
          const before = applied.get(key);
          if (u.appliedHash === undefined) continue;
          applied.set(key, u.appliedHash);
          if (before !== undefined && before !== u.appliedHash) markDependents(name, edges, unit);
        }
        const seen = seenRequests.get(name) ?? new Set<number>();
        seenRequests.set(name, seen);
        const queued = new Set<number>();
        for (const request of project.liveRequests ?? []) {
          queued.add(request.id);
          if (seen.has(request.id)) continue;
          seen.add(request.id);
          if (request.kind === "restart" && request.service !== undefined) markDependents(name, edges, request.service, request.id);
        }
        const mine = pending.get(name);
        if (!mine) continue;
        const views = serviceViews(project);
        for (const [service, wait] of mine) {
          if (wait.request !== undefined && queued.has(wait.request)) continue;
          const edge = edges.find((e) => e.service === service && e.dependsOn === wait.after);
          if (edge === undefined || views[service] === undefined) {
            mine.delete(service);
            continue;
          }
          const dependency = views[wait.after];
          if (dependency === undefined || !conditionMet(dependency, edge.condition)) continue;
          mine.delete(service);
          const at = clock.now();
          dispatch({ type: "log", source: "daemon", level: "info", project: name, service, at, line: `restarting ${service}: its dependency ${wait.after} was ${wait.request === undefined ? "updated" : "restarted"} (depends_on restart: true)` });
          dispatch({ type: "liveRequested", project: name, kind: "restart", service, at });
        }
      }
    },
  };
};
