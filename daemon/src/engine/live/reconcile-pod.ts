/**
 * Self-healing: a pod devloop has not synced yet (new after a restart, reschedule or rollout, every pod after a daemon
 * restart, a pod whose sync failed) or a resync request: its targets are brought in line with the local tree (what
 * devloop synced before and is gone locally is deleted), the last good artifact is put back, and the process is
 * restarted or the command run when something changed. A pod filled at bind time only gets the edits made since. A
 * `devloop run` pod has only its binds' targets brought in line (live-pods.ts podRules): no artifact, restart or command.
 */
import { refusalMessage } from "../../sync/sync-path.js";
import type { ServiceLive } from "../../translate/types.js";
import type { TraceStep } from "../state.js";
import type { LiveDeps, Loop, Job } from "./loop.js";
import { isSyncAction, compileRoot, errorText, isTransient, joinErrors, podTarget } from "./loop.js";
import { isRunPodNamed, podRules, runningPods, runningRunPods } from "./live-pods.js";
import { finishTrace, timed } from "./live-trace.js";
import { restart, runExec } from "./live-exec.js";
import { putArtifact } from "./compile-delivery.js";
import { pullBeforeReconcile } from "./pull-back.js";

/** A pod devloop has not synced (or a resync request): bring every target in line with the local tree. */
export const runReconcile = async (deps: LiveDeps, loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "pod" }>): Promise<void> => {
  const pod = job.pod;
  const oneOff = isRunPodNamed(loop.project, pod);
  if (!(oneOff ? runningRunPods : runningPods)(loop.project, live).includes(pod)) { loop.pods.forget(pod); return; }
  const started = deps.clock.now();
  const steps: TraceStep[] = [];
  const rules = podRules(loop.project, live, pod).filter(isSyncAction);
  const changedBy = new Map<string, number>();
  const files: string[] = [];
  const refused: string[] = [];
  const errors: string[] = [];
  await timed(deps, steps, "sync", async () => {
    for (const rule of rules) {
      if (rule.targetDir === undefined) continue;
      const filter = loop.filters.get(rule.id);
      const target = { pod: podTarget(loop, live, pod), localRoot: rule.localRoot, targetDir: rule.targetDir, ...(filter === undefined ? {} : { filter }) };
      // Filled at bind time: what the pod holds is known; only edits made since need sending.
      const filled = loop.pods.wasFilled(pod) ? loop.manifests.of(pod, rule.id) : undefined;
      // Not filled by this daemon (a restart): what the container wrote comes back before the host's tree goes in.
      if (filled === undefined && rule.pull !== undefined) await pullBeforeReconcile(deps, loop, live, pod, rule);
      try {
        const result = filled !== undefined
          ? await deps.syncer.sync({ ...target, paths: [], previous: filled, rescan: true })
          : await deps.syncer.reconcile({ ...target, previous: loop.manifests.latest(rule.id) });
        loop.manifests.record(pod, rule, result.manifest);
        changedBy.set(rule.id, result.put.length + result.deleted.length);
        files.push(...result.put, ...result.deleted);
        refused.push(...result.refused.map((r) => refusalMessage(rule.localRoot, r.rel, r.reason)));
      } catch (error) {
        errors.push(errorText(error));
        if (isTransient(error)) { loop.pods.reconcileFailed(pod); deps.retrySoon(); }
      }
    }
    const artifact = loop.artifacts.last(live.service);
    if (artifact !== undefined && live.compile !== undefined && !oneOff) {
      const target = live.compile.target;
      try {
        await putArtifact(deps, loop, live, target, pod, artifact);
        changedBy.set(compileRoot(live.service), 1);
        files.push(target);
      } catch (error) {
        errors.push(errorText(error));
      }
    }
  });
  loop.pods.reconciled(pod);
  const restartNeeded = !oneOff && live.restart === "process" && (changedBy.has(compileRoot(live.service)) || rules.some((r) => r.action === "sync+restart" && (changedBy.get(r.id) ?? 0) > 0));
  if (restartNeeded) {
    const e = await timed(deps, steps, "restart", () => restart(deps, loop, live, live.service, [pod]));
    if (e !== undefined) errors.push(e);
  }
  for (const rule of rules.filter((r) => !oneOff && r.action === "sync+exec" && (changedBy.get(r.id) ?? 0) > 0)) {
    const e = await timed(deps, steps, "exec", () => runExec(deps, loop, live, rule, [pod]));
    if (e !== undefined) errors.push(e);
  }
  finishTrace(deps, loop, { service: live.service, trigger: job.trigger, action: "reconcile", pods: [pod], at: started }, started, steps, { files, refused, error: joinErrors(...errors) });
};
