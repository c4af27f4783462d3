/**
 * One batch of a develop.watch rule's changes: sync / sync+restart / sync+exec into every running pod devloop has
 * synced (a bind's rule: the service's `devloop run` pods too), then restart the process or run the command when
 * something changed (in the service's own pods); rebuild queues a reload; restart restarts. The paths are journaled
 * (ManifestStore.intend) before anything is sent.
 */
import path from "node:path";
import { emptyManifest } from "../../sync/hash-manifest.js";
import type { ServiceLive } from "../../translate/types.js";
import type { TraceStep } from "../state.js";
import type { LiveDeps, Loop, Job } from "./loop.js";
import { isSyncAction, joinErrors, podTarget } from "./loop.js";
import { rulePods, runningPods } from "./live-pods.js";
import { finishTrace, summarise, timed } from "./live-trace.js";
import { restart, runExec } from "./live-exec.js";

export const runChange = async (deps: LiveDeps, loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "change" }>): Promise<void> => {
  const rule = job.rule;
  const pods = rulePods(loop.project, live, rule).filter((p) => loop.pods.isKnown(p));
  const started = deps.clock.now();
  const steps: TraceStep[] = [{ step: "wait", ms: job.closedAt - job.firstEventAt }];
  const base = { service: live.service, trigger: "change" as const, rule: rule.id, action: rule.action, pods, at: job.firstEventAt };
  const rels = [...job.paths].map((p) => path.relative(rule.localRoot, p) || path.basename(p));
  if (rule.action === "rebuild") {
    deps.dispatch({ type: "rebuildRequested", project: loop.name, service: live.service, at: deps.clock.now() });
    steps.push({ step: "rebuild", ms: 0, detail: "reload queued: the image is rebuilt and rolled out" });
    finishTrace(deps, loop, base, started, steps, { files: rels, refused: [] });
    return;
  }
  if (rule.action === "restart") {
    const error = await timed(deps, steps, "restart", () => restart(deps, loop, live, live.service, pods));
    finishTrace(deps, loop, base, started, steps, { files: rels, refused: [], error });
    return;
  }
  if (!isSyncAction(rule) || rule.targetDir === undefined || pods.length === 0) return;
  const targetDir = rule.targetDir;
  const filter = loop.filters.get(rule.id);
  // On disk before anything is sent: a daemon killed before the next manifest save still knows these may be there.
  const journaled = loop.manifests.intend(rule, rels);
  const settled = await timed(deps, steps, "sync", () => Promise.allSettled(pods.map(async (pod) => {
    const result = await deps.syncer.sync({
      pod: podTarget(loop, live, pod), localRoot: rule.localRoot, targetDir, paths: [...job.paths],
      previous: loop.manifests.of(pod, rule.id) ?? emptyManifest, rescan: job.storm, ...(filter === undefined ? {} : { filter }),
    });
    loop.manifests.record(pod, rule, result.manifest);
    return result;
  })));
  journaled?.();
  // A pod whose sync failed midway may hold any of the batch's paths (a cut can lose the reply, not the extract): its
  // reconcile must count them as possibly there, so one deleted locally since is deleted in the pod too.
  if (settled.some((r) => r.status === "rejected")) loop.manifests.mayHold(rule.id, rels);
  const summary = summarise(deps, loop, rule.localRoot, pods, settled);
  // Restarts and commands run in the service's own pods, never in a `devloop run` pod (live-pods.ts).
  const own = new Set(runningPods(loop.project, live));
  const synced = pods.filter((p, i) => settled[i]?.status === "fulfilled" && own.has(p));
  if (summary.files.length === 0 && summary.refused.length === 0 && summary.error === undefined) return; // e.g. saved without a change
  let error = summary.error;
  if (summary.files.length > 0 && synced.length > 0) {
    if (rule.action === "sync+restart") error = joinErrors(error, await timed(deps, steps, "restart", () => restart(deps, loop, live, live.service, synced)));
    if (rule.action === "sync+exec") error = joinErrors(error, await timed(deps, steps, "exec", () => runExec(deps, loop, live, rule, synced)));
  }
  finishTrace(deps, loop, base, started, steps, { ...summary, error });
};
