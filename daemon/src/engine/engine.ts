/**
 * The engine: one store, the controllers subscribed to it, and what is derived from its batches: the public event
 * log, and from that log the dashboard's timeline, held in the store (state.timeline, timeline.ts's one reducer).
 * Surfaces (server, CLI through the server) read getState()/events and dispatch requests.
 */
import type { Clock } from "../clock/clock.js";
import type { Action } from "./actions.js";
import type { Controller } from "./controllers/controller.js";
import type { EventLog } from "./event-log.js";
import { createEventLog } from "./event-log.js";
import { createPublicEventDiffer } from "./public-events.js";
import { reducer } from "./reducer.js";
import { timelineChanges } from "./selectors.js";
import type { EngineState } from "./state.js";
import type { TimelineChange } from "./timeline.js";
import { emptyTimeline, reduceTimeline } from "./timeline.js";
import { initialState } from "./state.js";
import type { Store } from "./store.js";
import { createStore } from "./store.js";

export interface Engine {
  readonly store: Store<EngineState, Action>;
  readonly events: EventLog;
  /** The dashboard's timeline of a project's changes, newest first (selectors.timelineChanges). */
  timeline(project: string): readonly TimelineChange[];
  dispatch(action: Action): void;
  getState(): EngineState;
  stop(): Promise<void>;
}

export interface EngineParams {
  readonly clock: Clock;
  readonly controllers: readonly Controller[];
  /** Called after every batch (persistence). */
  readonly onBatch?: (state: EngineState, actions: readonly Action[]) => void;
  readonly onControllerError?: (controller: string, error: unknown) => void;
}

export const createEngine = ({ clock, controllers, onBatch, onControllerError }: EngineParams): Engine => {
  const events = createEventLog();
  const differ = createPublicEventDiffer();
  // Each batch's public events go to the log, and the timeline is reduced from those same events.
  const logBatch = (state: EngineState, actions: readonly Action[], previous: EngineState): EngineState => {
    const logged = differ(previous, state, actions).map((body) => events.append(body, clock.now()));
    return logged.length === 0 ? state : { ...state, timeline: logged.reduce(reduceTimeline, state.timeline ?? emptyTimeline) };
  };
  const store = createStore(reducer, initialState(clock.now()), logBatch);
  let stopped = false;
  const dispatch = (action: Action): void => store.dispatch(action);
  store.subscribe((state, actions) => {
    onBatch?.(state, actions);
    if (stopped) return;
    for (const c of controllers) {
      try {
        c.onChange(state, dispatch);
      } catch (error) {
        onControllerError?.(c.name, error);
      }
    }
  });
  return {
    store,
    events,
    timeline: (project) => timelineChanges(store.getState(), project),
    dispatch,
    getState: () => store.getState(),
    async stop() {
      stopped = true;
      await Promise.allSettled(controllers.map(async (c) => c.stop?.()));
    },
  };
};
