/**
 * What the live loop reports: a log line (source "sync") and, per change, one trace (syncTraced: wait → compile →
 * sync → exec/restart, ms per step) for the dashboard and `devloop status`.
 */
import type { SyncResult } from "../../ports/syncer.js";
import { refusalMessage } from "../../sync/sync-path.js";
import type { SyncTrace, TraceStep } from "../state.js";
import type { LiveDeps, Loop } from "./loop.js";
import { errorText, isTransient } from "./loop.js";

export const log = (deps: LiveDeps, loop: Loop, service: string | undefined, level: "info" | "warn" | "error" | "debug", line: string): void =>
  deps.dispatch({ type: "log", source: "sync", level, line, project: loop.name, ...(service === undefined ? {} : { service }), at: deps.clock.now() });

export const trace = (deps: LiveDeps, loop: Loop, t: Omit<SyncTrace, "id">): void => {
  if (loop.closed) return;
  deps.dispatch({ type: "syncTraced", project: loop.name, trace: t });
  const files = t.fileCount === 0 ? "" : ` ${t.fileCount} file${t.fileCount === 1 ? "" : "s"} (${t.files.slice(0, 3).join(", ")}${t.fileCount > 3 ? ", …" : ""})`;
  const steps = t.steps.map((s) => `${s.step} ${Math.round(s.ms)} ms`).join(", ");
  const line = t.status === "ok" ? `${t.action}${files} → ${t.pods.length} pod(s) in ${Math.round(t.totalMs)} ms [${steps}]` : `${t.action} failed: ${t.error ?? "?"}`;
  log(deps, loop, t.service, t.status === "ok" ? "info" : "error", line);
  for (const r of t.refused ?? []) log(deps, loop, t.service, "warn", r);
};

/** Sync results of several pods → the trace's file list and refusals; failed pods are forgotten (reconciled again). */
export const summarise = (deps: LiveDeps, loop: Loop, root: string, pods: readonly string[], settled: readonly PromiseSettledResult<SyncResult>[]) => {
  const files = new Set<string>();
  const refused = new Set<string>();
  const errors: string[] = [];
  settled.forEach((r, i) => {
    const pod = pods[i] ?? "?";
    if (r.status === "fulfilled") {
      for (const f of [...r.value.put, ...r.value.deleted]) files.add(f);
      for (const x of r.value.refused) refused.add(refusalMessage(root, x.rel, x.reason));
      return;
    }
    errors.push(errorText(r.reason));
    // Whatever that pod holds now is unknown: reconcile it when it is (still) running.
    loop.pods.forget(pod);
    if (isTransient(r.reason)) deps.retrySoon();
  });
  return { files: [...files].sort(), refused: [...refused], error: errors.length === 0 ? undefined : errors.join("; ") };
};

export const finishTrace = (deps: LiveDeps, loop: Loop, base: Pick<SyncTrace, "service" | "trigger" | "action" | "pods" | "at"> & { rule?: string }, started: number, steps: TraceStep[], summary: { files: readonly string[]; refused: readonly string[]; error?: string | undefined }): void => {
  trace(deps, loop, {
    ...base,
    files: summary.files.slice(0, 20),
    fileCount: summary.files.length,
    steps,
    totalMs: deps.clock.now() - started + (steps.find((s) => s.step === "wait")?.ms ?? 0),
    status: summary.error === undefined ? "ok" : "failed",
    ...(summary.error === undefined ? {} : { error: summary.error }),
    ...(summary.refused.length === 0 ? {} : { refused: summary.refused }),
  });
};

export const timed = async <T>(deps: LiveDeps, steps: TraceStep[], step: TraceStep["step"], fn: () => Promise<T>): Promise<T> => {
  const t0 = deps.clock.now();
  try {
    return await fn();
  } finally {
    steps.push({ step, ms: deps.clock.now() - t0 });
  }
};
