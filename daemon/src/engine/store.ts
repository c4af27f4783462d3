/**
 * createStore(reducer): dispatch, getState, subscribe. Actions dispatched in the same tick are reduced at once
 * and subscribers see one batch (like Tilt's store), so a controller runs once per burst, not once per action.
 */
export type Listener<S, A> = (state: S, actions: readonly A[], previous: S) => void;

export interface Store<S, A> {
  dispatch(action: A): void;
  getState(): S;
  subscribe(listener: Listener<S, A>): () => void;
  /** Resolves once every queued action is reduced and listeners have run (tests and shutdown). */
  settle(): Promise<void>;
}

/**
 * `derive`, when given, runs once per batch after the reducer, before the listeners: state that follows the whole
 * batch rather than one action (the engine's: the batch's public events, appended to its log and folded into the
 * timeline).
 */
export const createStore = <S, A>(reducer: (state: S, action: A) => S, initial: S, derive?: (state: S, batch: readonly A[], previous: S) => S): Store<S, A> => {
  let state = initial;
  let queue: A[] = [];
  let scheduled: Promise<void> | undefined;
  const listeners = new Set<Listener<S, A>>();

  const flush = (): void => {
    scheduled = undefined;
    const batch = queue;
    queue = [];
    const previous = state;
    for (const action of batch) state = reducer(state, action);
    if (derive !== undefined) state = derive(state, batch, previous);
    for (const listener of [...listeners]) listener(state, batch, previous);
  };

  return {
    dispatch(action) {
      queue.push(action);
      scheduled ??= Promise.resolve().then(flush);
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settle() {
      // Listeners may dispatch again; keep draining until quiet.
      for (let i = 0; i < 1000 && scheduled; i++) await scheduled;
    },
  };
};
