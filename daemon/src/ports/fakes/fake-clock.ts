/** A clock that only moves when told (Tilt's fake clock). */
import type { Clock } from "../../clock/clock.js";

export interface FakeClock extends Clock {
  advance(ms: number): void;
  pending(): number;
}

export const createFakeClock = (start = 1_000_000): FakeClock => {
  let now = start;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 0;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return { cancel: () => void (timers = timers.filter((t) => t.id !== id)) };
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t.id !== due.id);
        now = due.at;
        due.fn();
      }
      now = until;
    },
    pending: () => timers.length,
  };
};
