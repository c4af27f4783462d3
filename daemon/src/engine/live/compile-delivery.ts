/**
 * x-devloop.compile: a batch of source changes is compiled (Compiler), and on success the artifact is put into every
 * pod and the process restarted (restarts armed while the compiler runs); on failure the running version stays and
 * the compiler's errors are reported. The last good artifact is kept on the loop's shelf for pods that come later.
 */
import path from "node:path";
import type { Compiler } from "../../ports/compiler.js";
import type { ArmedCommand } from "../../ports/container-exec.js";
import type { SyncResult } from "../../ports/syncer.js";
import { restartProcessCommand } from "../../supervisor/supervisor.js";
import type { ServiceLive } from "../../translate/types.js";
import type { TraceStep } from "../state.js";
import type { LiveDeps, Loop, Job } from "./loop.js";
import { compileRoot, joinErrors, podTarget } from "./loop.js";
import { runningPods } from "./live-pods.js";
import { log, finishTrace, summarise, timed } from "./live-trace.js";
import { restart, restartTimeoutMs } from "./live-exec.js";

/** Puts the last good compiled artifact at the compile spec's target in one pod. */
export const putArtifact = (deps: LiveDeps, loop: Loop, live: ServiceLive, target: string, pod: string, artifact: { readonly content: Uint8Array; readonly mode: number }): Promise<SyncResult> =>
  deps.syncer.putFiles({ pod: podTarget(loop, live, pod), targetDir: path.posix.dirname(target), files: [{ name: path.posix.basename(target), content: artifact.content, mode: artifact.mode }] });

export const runCompile = async (deps: LiveDeps, loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "compile" }>): Promise<void> => {
  const spec = live.compile;
  if (spec === undefined) return;
  const started = deps.clock.now();
  const steps: TraceStep[] = [{ step: "wait", ms: job.closedAt - job.firstEventAt }];
  // The restarts are armed while the compiler runs, so their exec set-up (~100 ms over kube exec) is done by the time
  // the artifact is in place; each fires once its pod has the artifact, and is cancelled otherwise (failed compile,
  // failed put, pod gone). A pod that appears during the compile restarts with a plain exec.
  const arm = deps.armExec;
  const armed = new Map<string, ArmedCommand>();
  if (arm !== undefined && live.restart === "process") {
    for (const pod of runningPods(loop.project, live).filter((p) => loop.pods.isKnown(p))) armed.set(pod, arm(podTarget(loop, live, pod), restartProcessCommand(), { timeoutMs: restartTimeoutMs }));
  }
  const cancelArmed = (keep: readonly string[] = []): void => { for (const [pod, command] of armed) if (!keep.includes(pod)) command.cancel(); };
  let result: Awaited<ReturnType<Compiler["compile"]>>;
  try {
    result = await deps.compiler.compile({ project: loop.name, spec }, (line) => log(deps, loop, live.service, "info", line));
  } catch (error) {
    cancelArmed();
    throw error;
  }
  steps.push({ step: "compile", ms: result.timings.totalMs, detail: `compiler ran ${Math.round(result.timings.runMs)} ms` });
  const pods = runningPods(loop.project, live).filter((p) => loop.pods.isKnown(p));
  const base = { service: live.service, trigger: "change" as const, rule: compileRoot(live.service), action: "compile", pods, at: job.firstEventAt };
  // The trace names the changed sources (relative to the compile source); the artifact is the sync step's detail.
  const sources = [...job.paths].map((p) => path.relative(spec.source, p) || path.basename(p)).sort();
  if (!result.ok) {
    cancelArmed();
    finishTrace(deps, loop, base, started, steps, { files: sources, refused: [], error: `${result.message} (the running version stays)` });
    return;
  }
  const artifact = { content: result.artifact, mode: result.mode };
  loop.artifacts.keep(live.service, artifact);
  const settled = await timed(deps, steps, "sync", () => Promise.allSettled(pods.map((pod) => putArtifact(deps, loop, live, spec.target, pod, artifact))));
  const sync = steps[steps.length - 1];
  const direct = settled.some((r) => r.status === "fulfilled" && r.value.via === "docker") ? " (Docker engine)" : "";
  if (sync !== undefined) steps[steps.length - 1] = { ...sync, detail: `${spec.target} (${(result.artifact.length / 2 ** 20).toFixed(1)} MiB) → ${pods.length === 1 ? pods[0] ?? "" : `${pods.length} pods`}${direct}` };
  const summary = summarise(deps, loop, spec.source, pods, settled);
  const synced = pods.filter((_, i) => settled[i]?.status === "fulfilled");
  cancelArmed(synced);
  const restarted = synced.length === 0 ? undefined : await timed(deps, steps, "restart", () => restart(deps, loop, live, live.service, synced, armed));
  finishTrace(deps, loop, base, started, steps, { files: sources, refused: [], error: joinErrors(summary.error, restarted) });
};
