/**
 * The way back for writable bind mounts (rules with `pull`): every pullIntervalMs each running pod's binds are asked
 * what the container created or changed since the last look (ports/puller.ts); that is written on the host, and the
 * manifests take it in, so the watcher's echo sends nothing. A change made on both sides keeps the host's copy.
 */
import type { Puller } from "../../ports/puller.js";
import { runBindsDoneFile } from "../../translate/bind-mounts.js";
import type { HashManifest } from "../../sync/hash-manifest.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import { rulePods } from "./live-pods.js";
import type { LiveDeps, Loop, Job } from "./loop.js";
import { errorText, isTransient, podTarget } from "./loop.js";
import { log, finishTrace } from "./live-trace.js";

/** One look at a pod's writable bind for what the container created or changed; brings it back to the host. */
export const runPull = async (deps: LiveDeps, loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "pull" }>): Promise<void> => {
  const { pod, rule } = job;
  const previous = loop.manifests.of(pod, rule.id);
  if (previous === undefined || !loop.pods.isKnown(pod)) return;
  await look(deps, loop, live, pod, rule, previous, loop.pulls.since(pod, rule.id));
};

/**
 * A pod this daemon did not fill (every pod after a daemon restart): what its container wrote into a writable bind
 * since the rule's last known manifest (`latest`, saved by the daemon before) comes back first, every file listed
 * (`since` 0: the container's clock at the last look died with the daemon before), so the reconcile that follows does
 * not put the host's older copy over it; a file changed on both sides keeps the host's, as always.
 */
export const pullBeforeReconcile = async (deps: LiveDeps, loop: Loop, live: ServiceLive, pod: string, rule: LiveRule): Promise<void> => {
  if (loop.pulls.stopped(pod, rule.id)) return;
  await look(deps, loop, live, pod, rule, loop.manifests.latest(rule.id), 0);
};

const look = async (deps: LiveDeps, loop: Loop, live: ServiceLive, pod: string, rule: LiveRule, previous: HashManifest, since: number | undefined): Promise<void> => {
  const puller = deps.puller;
  if (puller === undefined || rule.pull === undefined || rule.targetDir === undefined) return;
  const filter = loop.filters.get(rule.id);
  const started = deps.clock.now();
  let result: Awaited<ReturnType<Puller["pull"]>>;
  try {
    result = await puller.pull({
      pod: podTarget(loop, live, pod), localRoot: rule.localRoot, targetDir: rule.targetDir, previous, prune: rule.pull.hidden,
      ...(since === undefined ? {} : { since }), ...(filter === undefined ? {} : { filter }),
    });
  } catch (error) {
    // Not transient (no GNU find in the image, say): stop looking at this pod's bind, once said.
    if (!isTransient(error)) {
      loop.pulls.stop(pod, rule.id);
      log(deps, loop, live.service, "warn", `${errorText(error)}; what the container writes into ${rule.targetDir} stays in the pod`);
    }
    return;
  }
  // Files left for later (over the per-look cap, or changed while read) are listed again only if the clock stays.
  loop.pulls.set(pod, rule.id, result.deferred > 0 && since !== undefined ? since : result.since);
  loop.manifests.recordAfter(pod, rule, previous, result.manifest);
  for (const rel of result.conflicts) {
    log(deps, loop, live.service, "warn", `${rule.targetDir}/${rel} changed both in ${pod} and on the host: the host's copy was kept and is synced to the pod`);
  }
  if (result.pulled.length === 0 && result.conflicts.length === 0) return;
  finishTrace(deps, loop, { service: live.service, trigger: "change", rule: rule.id, action: "pull", pods: [pod], at: started }, started, [{ step: "sync", ms: result.ms, detail: `${pod}:${rule.targetDir} → ${rule.localRoot}` }], {
    files: result.pulled, refused: [], ...(result.conflicts.length === 0 ? {} : { error: `conflict (host kept): ${result.conflicts.join(", ")}` }),
  });
};

/**
 * A `devloop run` pod whose command ended: one last look at each writable bind (what the command wrote in its last
 * moments), then the done file lets its devloop-run-binds container end, and `devloop run` deletes the pod.
 */
export const runEnded = async (deps: LiveDeps, loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "ended" }>): Promise<void> => {
  for (const rule of live.rules.filter((r) => r.pull !== undefined && live.binds?.includes(r.id) === true && !loop.pulls.stopped(job.pod, r.id))) {
    // A daemon started after the run began may not have looked at this pod yet: then every file is listed.
    if (loop.manifests.of(job.pod, rule.id) === undefined) await pullBeforeReconcile(deps, loop, live, job.pod, rule);
    else await runPull(deps, loop, live, { kind: "pull", pod: job.pod, rule });
  }
  try {
    const r = await deps.exec(podTarget(loop, live, job.pod), ["/bin/sh", "-c", `: > ${runBindsDoneFile}`], { timeoutMs: 30_000 });
    if (r.exitCode !== 0) log(deps, loop, live.service, "warn", `could not let ${job.pod} end: creating ${runBindsDoneFile} exited ${r.exitCode}`);
  } catch (error) {
    log(deps, loop, live.service, "warn", `could not let ${job.pod} end: ${errorText(error)}`);
  }
};

/** Queues a look at each known pod's writable binds (merged with one already queued); the controller's timer calls it. */
export const queuePulls = (loop: Loop): void => {
  if (loop.closed) return;
  for (const live of Object.values(loop.live)) {
    for (const rule of live.rules) {
      if (rule.pull === undefined) continue;
      for (const pod of rulePods(loop.project, live, rule).filter((p) => loop.pods.isKnown(p) && !loop.pulls.stopped(p, rule.id))) {
        loop.queue.push(live.service, { key: `pull/${pod}/${rule.id}`, payload: { kind: "pull", pod, rule } });
      }
    }
  }
};
