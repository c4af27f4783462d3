/**
 * Time, injected (Tilt's fake clock, client-node's delayFn): the engine never calls Date.now or setTimeout itself. A port
 * with its own folder because the pure parts take it too (sync/batcher.ts): ports/ reads their types, so they cannot
 * read ports/. The fake is ports/fakes/fake-clock.ts.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
