/**
 * Where an edit's time goes, from the daemon's trace of the change (PublicChange): save → the watcher's first event,
 * each step of the trace (the batch's quiet wait, the sync), and the trace's end → the answer seen by the bench.
 * Shared by bench/latency.ts and bench/scale.ts.
 */
import type { PublicChange, PublicProject } from "../daemon/src/api/types.js";
import { median } from "./stats.js";

export interface ChangeSteps {
  /** Looks up the newest change of `rule` not seen before (waits up to 1 s for it), adds its steps and returns them. */
  record(savedAt: number, answeredAt: number): Promise<Readonly<Record<string, number>> | undefined>;
  /** Medians per step over the recorded edits. */
  medians(): Record<string, number>;
}

/** Medians per step over edits' steps (as record returns them). */
export const stepMedians = (edits: readonly Readonly<Record<string, number>>[]): Record<string, number> => {
  const steps = new Map<string, number[]>();
  for (const e of edits) for (const [k, v] of Object.entries(e)) steps.set(k, [...(steps.get(k) ?? []), v]);
  return Object.fromEntries([...steps].map(([k, v]) => [k, median(v)]));
};

export const changeSteps = (project: () => Promise<PublicProject | undefined>, rule = "web:watch[0]"): ChangeSteps => {
  const seen = new Set<number>();
  const recorded: Record<string, number>[] = [];
  return {
    async record(savedAt, answeredAt) {
      let last: PublicChange | undefined;
      for (let t = 0; t < 20 && last === undefined; t++) {
        last = ((await project())?.changes ?? []).filter((c) => c.rule === rule && c.status === "ok" && !seen.has(c.id)).at(-1);
        if (last === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      if (last === undefined) return undefined;
      for (const c of (await project())?.changes ?? []) seen.add(c.id);
      const steps: Record<string, number> = { "save → first event": last.at - savedAt };
      for (const step of last.steps) steps[step.step] = (steps[step.step] ?? 0) + step.ms;
      steps["trace end → answer"] = answeredAt - (last.at + last.totalMs);
      recorded.push(steps);
      return steps;
    },
    medians: () => stepMedians(recorded),
  };
};
