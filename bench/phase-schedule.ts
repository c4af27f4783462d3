/**
 * When, within a poller's request cycle, a benchmark's save happens (issue 12 item 5). A client that polls an HTTP
 * answer (a browser tab, a test loop, curl in a watch) does so independently of when the developer saves, so a fair P1
 * samples the save's moment uniformly over the poller's cycle. Pure: the random source is handed in (seeded, so a run
 * can be repeated), and the summaries work on plain samples.
 */
import { median } from "./stats.js";

/** A seeded generator of numbers in [0, 1) (mulberry32): the same seed, the same sequence. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * `n` phases in [0, 1), stratified: exactly one in each n-th of the cycle, at a uniform random point within it, the
 * n of them in a random order (Fisher–Yates). Uniform over the cycle like n independent draws, with less spread from
 * run to run, and no drift with the edit's position in the run (the bed warms up, other measures interleave).
 */
export const phaseSchedule = (n: number, random: () => number): number[] => {
  // The draw is kept a hair below 1, so that (k + draw) / n stays inside its n-th once rounded.
  const phases = Array.from({ length: n }, (_, k) => (k + Math.min(random(), 1 - 1e-9)) / n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [phases[i], phases[j]] = [phases[j] ?? 0, phases[i] ?? 0];
  }
  return phases;
};

export interface PhasedSample {
  /** Where the save fell in the cycle: ms since the poller's request in flight was sent, over the cycle's length. */
  readonly phase: number;
  readonly ms: number;
}

/**
 * The median of the samples whose phase falls in each of `bins` equal parts of [0, 1) (a phase ≥ 1, a request that
 * came back early, counts in the last; below 0 in the first); NaN for an empty part. Shows how P1 depends on the phase.
 */
export const mediansByPhase = (samples: readonly PhasedSample[], bins: number): number[] =>
  Array.from({ length: bins }, (_, b) =>
    median(samples.filter((s) => Math.min(bins - 1, Math.max(0, Math.floor(s.phase * bins))) === b).map((s) => s.ms)),
  );
