/**
 * The engine: one store, the controllers subscribed to it, and what is derived from its batches: the public event
 * log and the dashboard's timeline.
 * Surfaces (server, CLI through the server) read getState()/events and dispatch requests.
 */
import type { Clock } from "../clock/clock.js";
import type { Action } from "./actions.js";
import type { Controller } from "./controllers/controller.js";
import type { EventLog } from "./event-log.js";
import { createEventLog } from "./event-log.js";
import { createPublicEventDiffer } from "./public-events.js";
import { reducer } from "./reducer.js";
import type { EngineState } from "./state.js";
import type { TimelineChange } from "./timeline.js";
import { createTimeline } from "./timeline.js";
import { initialState } from "./state.js";
import type { Store } from "./store.js";
import { createStore } from "./store.js";

export interface Engine {
  readonly store: Store<EngineState, Action>;
  readonly events: EventLog;
  /** The dashboard's timeline of a project's changes, newest first (timeline.ts). */
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
  const store = createStore(reducer, initialState(clock.now()));
  const events = createEventLog();
  const differ = createPublicEventDiffer();
  const timeline = createTimeline(() => clock.now());
  let stopped = false;
  const dispatch = (action: Action): void => store.dispatch(action);
  store.subscribe((state, actions, previous) => {
    for (const body of differ(previous, state, actions)) events.append(body, clock.now());
    timeline.reduce(state, actions, previous);
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
    timeline: (project) => timeline.changes(project),
    dispatch,
    getState: () => store.getState(),
    async stop() {
      stopped = true;
      await Promise.allSettled(controllers.map(async (c) => c.stop?.()));
    },
  };
};
