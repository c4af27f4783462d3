/**
 * Times the stable window of pods without a healthcheck: a pod seen running and ready with restart count N gets a
 * timer of selectors.stableWindowMs; when it fires, podStable(N) is dispatched and the reducer keeps it only if the pod
 * is still ready with N restarts (a crash meanwhile bumps the count, so the window starts again). Uses the daemon's
 * clock, not the kubelet's startedAt, so node clock skew does not matter.
 */
import type { ObservedObject } from "../../ports/cluster.js";
import type { Clock, Timer } from "../../clock/clock.js";
import type { Dispatch } from "../actions.js";
import { podAwaitingStable, stableWindowMs } from "../selectors.js";
import { isRunPod } from "../service-pods.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export const createStabilityController = ({ clock, windowMs = stableWindowMs }: { clock: Clock; windowMs?: number }): Controller => {
  /** "project/pod/restarts" → timer. */
  const timers = new Map<string, Timer>();
  return {
    name: "stability",
    onChange(state: EngineState, dispatch: Dispatch) {
      const wanted = new Set<string>();
      for (const project of Object.values(state.projects)) {
        if (project.status === "stopping") continue;
        for (const o of Object.values(project.objects)) {
          // A `devloop run` pod is no service's: nothing waits for it to settle.
          if (o.kind !== "Pod" || o.pod === undefined || isRunPod(o.labels)) continue;
          const pod = o as ObservedObject & { pod: NonNullable<ObservedObject["pod"]> };
          if (!podAwaitingStable(project, pod)) continue;
          const key = `${project.name}/${o.name}/${pod.pod.restarts}`;
          wanted.add(key);
          if (timers.has(key)) continue;
          const { restarts } = pod.pod;
          const name = project.name;
          timers.set(key, clock.setTimeout(() => {
            timers.delete(key);
            dispatch({ type: "podStable", project: name, pod: o.name, restarts, at: clock.now() });
          }, windowMs));
        }
      }
      for (const [key, timer] of timers) {
        if (wanted.has(key)) continue;
        timer.cancel();
        timers.delete(key);
      }
    },
    stop() {
      for (const t of timers.values()) t.cancel();
      timers.clear();
      return Promise.resolve();
    },
  };
};
