import { describe, expect, it } from "vitest";
import { mediansByPhase, phaseSchedule, seededRandom } from "./phase-schedule.js";
import { percentile } from "./stats.js";

describe("seededRandom", () => {
  it("repeats its sequence for a seed, differs for another, stays in [0, 1)", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs.slice(0, 5));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: each tenth holds 100 ± 40 of the 1000.
    for (let d = 0; d < 10; d++) expect(Math.abs(xs.filter((x) => Math.floor(x * 10) === d).length - 100)).toBeLessThan(40);
  });
});

describe("phaseSchedule", () => {
  it("puts exactly one phase in each n-th of the cycle", () => {
    for (const n of [1, 4, 30]) {
      const phases = phaseSchedule(n, seededRandom(n));
      expect(phases).toHaveLength(n);
      expect(phases.map((p) => Math.floor(p * n)).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, k) => k));
      expect(phases.every((p) => p >= 0 && p < 1)).toBe(true);
    }
  });

  it("shuffles the order: not ascending, and the same for the same seed", () => {
    const phases = phaseSchedule(30, seededRandom(1));
    expect(phases).not.toEqual([...phases].sort((x, y) => x - y));
    expect(phaseSchedule(30, seededRandom(1))).toEqual(phases);
    expect(phaseSchedule(30, seededRandom(2))).not.toEqual(phases);
  });

  it("stays below 1 when the source returns its largest value", () => {
    const phases = phaseSchedule(3, () => 1 - Number.EPSILON / 4);
    expect(phases.every((p) => p < 1)).toBe(true);
  });

  it("has a median near the middle of the cycle", () => {
    expect(Math.abs(percentile(phaseSchedule(101, seededRandom(3)), 50) - 0.5)).toBeLessThan(0.01);
  });

  it("gives the empty schedule for no edits", () => {
    expect(phaseSchedule(0, seededRandom(1))).toEqual([]);
  });
});

describe("mediansByPhase", () => {
  it("takes the median of each part of the cycle, NaN for an empty part", () => {
    const samples = [
      { phase: 0.1, ms: 120 },
      { phase: 0.2, ms: 130 },
      { phase: 0.3, ms: 100 },
      { phase: 0.6, ms: 80 },
      { phase: 0.9, ms: 90 },
    ];
    expect(mediansByPhase(samples, 4)).toEqual([125, 100, 80, 90]);
    expect(mediansByPhase(samples, 5)).toEqual([120, 115, Number.NaN, 80, 90]);
  });

  it("counts a phase past the cycle in the last part and one before it in the first", () => {
    expect(mediansByPhase([{ phase: 1.2, ms: 50 }, { phase: -0.1, ms: 70 }], 2)).toEqual([70, 50]);
  });
});
