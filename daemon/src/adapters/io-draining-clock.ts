/**
 * A batcher's quiet period must not end while file events are already waiting to be read. On a starved machine the
 * event loop runs an expired timer before it polls for I/O, so a quiet timer could close a batch that the next
 * poll would have continued (a storm split in two). This clock runs each timer's callback one setImmediate later —
 * after the poll phase — and a push during that poll re-arms the batcher's timer, cancelling the deferred callback.
 */
import type { Clock, Timer } from "../clock/clock.js";

export const ioDrainingClock = (clock: Clock): Clock => ({
  now: () => clock.now(),
  setTimeout(fn, ms): Timer {
    let cancelled = false;
    let immediate: NodeJS.Immediate | undefined;
    const timer = clock.setTimeout(() => {
      immediate = setImmediate(() => {
        if (!cancelled) fn();
      });
    }, ms);
    return {
      cancel() {
        cancelled = true;
        timer.cancel();
        if (immediate !== undefined) clearImmediate(immediate);
      },
    };
  },
});
