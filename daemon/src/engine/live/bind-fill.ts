/**
 * Directory bind mounts (translate/bind-mounts.ts): a new pod waits until each bind's tree is put there (the syncer)
 * and the ready file is created — in its app container, whose command waits for that file (engine/bind-wait.ts), or,
 * where that command cannot be known at apply, in its devloop-bind init container. The fill goes into the waiting one.
 */
import type { SyncPod } from "../../ports/syncer.js";
import { emptyManifest } from "../../sync/hash-manifest.js";
import { refusalMessage } from "../../sync/sync-path.js";
import { bindReadyFile } from "../../translate/bind-mounts.js";
import type { ServiceLive } from "../../translate/types.js";
import type { TraceStep } from "../state.js";
import type { LiveDeps, Loop, Job } from "./loop.js";
import { firstLine, errorText, isTransient, joinErrors } from "./loop.js";
import { bindFillContainer, bindingPods, startingBindPods } from "./live-pods.js";
import { finishTrace, log, timed } from "./live-trace.js";
import type { BindRule, DiskFill } from "./bind-disk-fill.js";
import { diskProbeCommand, startDiskFill } from "./bind-disk-fill.js";

/**
 * Tries of an exec into a devloop-bind container the pod's status does not say runs yet, and the pause between them
 * (about 6 s in all). The container runs ~1 s after the pod is seen scheduled (the sandbox, then its start): a shorter
 * pause starts the fill sooner after that, at the cost of a few more refused execs.
 */
const earlyTries = 60;
const earlyPauseMs = 100;

/** The detail of the "sync" step of trees written on this machine's disk (bind-disk-fill.ts). */
export const diskDetail = "written on this machine's disk";

const pause = (deps: LiveDeps, ms: number): Promise<void> => new Promise((resolve) => { deps.clock.setTimeout(resolve, ms); });

/**
 * A pod scheduled with devloop-bind next (live-pods.ts startingBindPods): the kubelet starts that container a relist
 * (up to a second) and a status update before the watch says so. A cheap exec (`probe`) is tried every 100 ms until one
 * gets in, for about 6 s of tries, while the pod still waits there (none while its trees are written on this machine's
 * disk). Resolves with the probe's output as soon as one gets in, or with none once the status says the container runs;
 * undefined when no exec got in.
 */
const execGetsIn = async (deps: LiveDeps, loop: Loop, live: ServiceLive, target: SyncPod, probe: readonly string[], disk?: DiskFill): Promise<{ readonly stdout?: string } | undefined> => {
  for (let i = 0; i < earlyTries; i++) {
    // While the tree is written on this machine's disk, no exec is tried: each costs the apiserver, the kubelet and the
    // engine CPU the writing and the pod's start need, and the container is wanted only once the tree is there.
    await disk?.writing();
    if (loop.closed) return undefined;
    if (bindingPods(loop.project, live).includes(target.pod)) return {};
    if (!startingBindPods(loop.project, live).includes(target.pod)) return undefined;
    try {
      const r = await deps.exec(target, probe, { timeoutMs: 10_000 });
      if (r.exitCode === 0) return { stdout: r.stdout };
    } catch (error) {
      // "container not found" until the container runs: a transient refusal; anything else is left to the usual path.
      if (!isTransient(error)) return undefined;
    }
    await pause(deps, earlyPauseMs);
  }
  return undefined;
};

/**
 * A new pod waiting for its binds: put each bind's local tree into the waiting container (the app's, or devloop-bind),
 * then create the ready file so the app's process starts. A transient failure leaves the pod waiting and is retried; any other (the source is a
 * socket or a device, a file cannot be read) lets the pod start with what could be put, and the trace says why.
 */
export const runBind = async (deps: LiveDeps, loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "bind" }>): Promise<void> => {
  const pod = job.pod;
  const target: SyncPod = { namespace: loop.namespace, pod, container: bindFillContainer(loop.project, live, pod) };
  const started = deps.clock.now();
  const steps: TraceStep[] = [];
  const rules = (live.binds ?? []).flatMap((id) => live.rules.filter((r): r is BindRule => r.id === id && r.targetDir !== undefined));
  // A pod on a kubelet of this machine is filled through its disk while it starts (bind-disk-fill.ts); the probe, the
  // first exec that gets in, says what the container sees there.
  const disk = deps.nodeVolumes?.here() === true && rules.length > 0 ? startDiskFill(deps, deps.nodeVolumes, loop, target, rules) : undefined;
  const probe = disk === undefined ? ["true"] : diskProbeCommand(rules.map((r) => r.targetDir));
  let probed: string | undefined;
  if (job.early === true) {
    // The trace's "wait" step: from the pod seen scheduled until an exec got into devloop-bind; when the trees were
    // written on this machine's disk meanwhile, that writing's "sync" step between the waits for it and for the exec.
    const got = await execGetsIn(deps, loop, live, target, probe, disk);
    if (got === undefined) { disk?.cancel(); loop.pods.earlyMissed(pod); deps.retrySoon(); return; }
    probed = got.stdout;
    const now = deps.clock.now();
    const wrote = disk?.times();
    if (wrote === undefined) steps.push({ step: "wait", ms: now - started });
    else steps.push({ step: "wait", ms: wrote.found - started }, { step: "sync", ms: wrote.written - wrote.found, detail: diskDetail }, { step: "wait", ms: Math.max(0, now - wrote.written) });
  } else if (!bindingPods(loop.project, live).includes(pod)) { disk?.cancel(); return; }
  const files: string[] = [];
  const refused: string[] = [];
  const errors: string[] = [];
  // The container's clock as the app starts (what it writes into a bind after this comes back to the host), then the
  // ready file, last: an init container ends right after, which can kill this exec (137) once done; an app container
  // execs its process. Armed now, so its connection is set up while the tree goes in, and it runs at once after.
  const ready = ["/bin/sh", "-c", `date +%s && : > ${bindReadyFile}`];
  const armed = deps.armExec?.(target, ready, { timeoutMs: 30_000 });
  let viaDisk = 0;
  await timed(deps, steps, "sync", async () => {
    if (disk !== undefined && probed === undefined) {
      try {
        const r = await deps.exec(target, probe, { timeoutMs: 10_000 });
        if (r.exitCode === 0) probed = r.stdout;
      } catch {
        // Filled over exec below, which says why if the container cannot be reached.
      }
    }
    const onDisk = await disk?.settle(probed);
    for (const note of onDisk?.notes ?? []) log(deps, loop, live.service, "warn", `${pod}: ${note}`);
    for (const rule of rules) {
      const filter = loop.filters.get(rule.id);
      const here = onDisk?.results.get(rule.id);
      if (here !== undefined) {
        viaDisk += 1;
        loop.manifests.record(pod, rule, here.manifest);
        files.push(...here.put);
        refused.push(...here.refused.map((r) => refusalMessage(rule.localRoot, r.rel, r.reason)));
        continue;
      }
      try {
        // A new emptyDir: everything goes, nothing needs listing first.
        // Nothing else writes into the target: the waiting container has not started its process, and no other
        // container of the pod mounts the binds (an init container runs alone; bind-wait.ts folds only then).
        const result = await deps.syncer.fullSync({ pod: target, localRoot: rule.localRoot, targetDir: rule.targetDir, previous: emptyManifest, fresh: true, ...(filter === undefined ? {} : { filter }) });
        loop.manifests.record(pod, rule, result.manifest);
        files.push(...result.put);
        refused.push(...result.refused.map((r) => refusalMessage(rule.localRoot, r.rel, r.reason)));
      } catch (error) {
        if (isTransient(error)) {
          errors.push(errorText(error));
          loop.pods.bindFailed(pod);
          deps.retrySoon();
          return;
        }
        errors.push(`${rule.targetDir} starts without ${rule.localRoot}: ${errorText(error)}`);
      }
    }
  });
  const last = steps[steps.length - 1];
  // Written on the disk within this step (the container ran before the volumes were found, or it is not early).
  if (viaDisk > 0 && last?.step === "sync" && !steps.some((x) => x.detail === diskDetail)) steps[steps.length - 1] = { ...last, detail: diskDetail };
  if (!loop.pods.isBound(pod)) armed?.cancel();
  if (loop.pods.isBound(pod)) {
    loop.pods.markFilled(pod);
    const started = await timed(deps, steps, "exec", async () => {
      try {
        const r = await (armed !== undefined ? armed.fire() : deps.exec(target, ready, { timeoutMs: 30_000 }));
        const now = Number.parseInt(r.stdout.trim(), 10);
        if (Number.isFinite(now)) for (const id of live.binds ?? []) loop.pulls.set(pod, id, now - 1);
        return r.exitCode === 0 || (r.exitCode === 137 && Number.isFinite(now)) ? undefined : `could not start ${pod}: creating ${bindReadyFile} exited ${r.exitCode}${r.stderr.trim() ? `: ${firstLine(r.stderr)}` : ""}`;
      } catch (error) {
        if (isTransient(error)) { loop.pods.bindFailed(pod); deps.retrySoon(); }
        return errorText(error);
      }
    });
    if (started !== undefined) errors.push(started);
  }
  finishTrace(deps, loop, { service: live.service, trigger: "pod", action: "bind", pods: [pod], at: started }, started, steps, { files, refused, error: joinErrors(...errors) });
};
