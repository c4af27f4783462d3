/**
 * The live loop (issue 5): for every active project whose services have develop.watch rules or an x-devloop.compile
 * spec (LoadedProject.live), watch the rules' paths and the compile sources, and for each batch of changes:
 *
 *   sync / sync+restart / sync+exec → Syncer.sync into every running pod of the service, then restart the process
 *                                     (supervisor) or run the exec command when something changed;
 *   rebuild                         → rebuildRequested (reload: the changed image is built and rolled out);
 *   restart                         → restart the process;
 *   compile                         → Compiler.compile; on success put the artifact into every pod and restart the
 *                                     process; on failure keep the running version and report the compiler's errors.
 *
 * Self-healing: a pod devloop has not synced yet (a new pod after a restart, reschedule or rollout, or every pod
 * after a daemon restart) is reconciled: its targets are listed and every local file that is missing or differs is
 * put, what devloop synced earlier and is gone locally is deleted, and the last good compiled artifact is put back.
 * A pod whose sync failed for a transient reason (pod going away, connection lost) is reconciled again at once; a
 * reconcile or bind fill that fails for a transient reason waits for the retry tick (2 s) before the next try.
 *
 * Directory bind mounts (translate/bind-mounts.ts): a new pod of a service with binds waits in its "devloop-bind" init
 * container; the controller puts each bind's tree into it (the same syncer, into that container), then creates the
 * ready file, and the app container starts with the tree in place. Once the pod runs, its reconcile only walks the
 * local tree against what was put (edits made meanwhile are sent), instead of listing the container again.
 * The way back: every pullIntervalMs each running pod's writable binds (rules with `pull`) are asked what the
 * container created or changed since the last look (ports/puller.ts); that is written on the host, and the manifests
 * take it in, so the watcher's echo sends nothing. A change made on both sides keeps the host's copy (reported).
 *
 * Every change leaves a trace (syncTraced: wait → compile → sync → exec/restart, ms per step) for the dashboard and
 * `devloop status`, and a log line. Work for one service runs one job at a time (live-queue.ts); edits arriving
 * meanwhile merge into the next job.
 */
import path from "node:path";
import type { Clock } from "../../clock/clock.js";
import type { ClusterClient } from "../../ports/cluster.js";
import type { Compiler } from "../../ports/compiler.js";
import type { ArmContainerExec, ArmedCommand, ContainerExec } from "../../ports/container-exec.js";
import type { WatchRoot, WatchSession, FileWatcher } from "../../ports/file-watcher.js";
import type { ManifestStore } from "../../ports/manifest-store.js";
import type { Puller } from "../../ports/puller.js";
import type { SyncPod, SyncResult, Syncer } from "../../ports/syncer.js";
import type { ChangeBatch } from "../../sync/batcher.js";
import { emptyManifest } from "../../sync/hash-manifest.js";
import type { PathFilter } from "../../sync/path-filter.js";
import { refusalMessage } from "../../sync/sync-path.js";
import { restartProcessCommand } from "../../supervisor/supervisor.js";
import { bindContainerName, bindReadyFile } from "../../translate/bind-mounts.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import type { Dispatch } from "../actions.js";
import { serviceSelector } from "../labels.js";
import { runsService, sidecarHost } from "../service-pods.js";
import type { ArtifactShelf } from "../live/artifact-shelf.js";
import { createArtifactShelf } from "../live/artifact-shelf.js";
import type { ManifestBook } from "../live/manifest-book.js";
import { createManifestBook } from "../live/manifest-book.js";
import type { PodTracker } from "../live/pod-tracker.js";
import { createPodTracker } from "../live/pod-tracker.js";
import type { PullCursors } from "../live/pull-cursors.js";
import { createPullCursors } from "../live/pull-cursors.js";
import type { LiveQueue } from "../live-queue.js";
import { createLiveQueue } from "../live-queue.js";
import type { EngineState, LiveRequest, ProjectState, SyncTrace, TraceStep } from "../state.js";
import type { Controller } from "./controller.js";

export interface SyncControllerParams {
  readonly watcher: FileWatcher;
  readonly syncer: Syncer;
  readonly compiler: Compiler;
  readonly exec: ContainerExec;
  /**
   * Arms a compile's restarts while the compiler runs (the exec's set-up overlaps the compile; each fires once its pod
   * has the artifact, and is cancelled where the compile or the put failed). Without it the restart is one exec after the put.
   */
  readonly armExec?: ArmContainerExec;
  readonly cluster: Pick<ClusterClient, "deleteByLabel">;
  readonly clock: Clock;
  /** A rule's path filter, relative to its localRoot (sync/rule-filter.ts reads the ignore files). */
  readonly ruleFilter: (rule: LiveRule) => Promise<PathFilter>;
  /** A compile source's filter (.gitignore, .dockerignore). */
  readonly sourceFilter: (dir: string) => Promise<PathFilter>;
  /** Timeout of a sync+exec command, ms. Default 5 min. */
  readonly execTimeoutMs?: number;
  /** Brings back what containers write into bind mounts; without it bind mounts only go host → container. */
  readonly puller?: Puller;
  /** How often each pod's writable binds are looked at, ms. Default 2 s. */
  readonly pullIntervalMs?: number;
  /**
   * Keeps what was last synced per rule across daemon restarts, so a reconcile after one deletes in the pod what was
   * deleted locally meanwhile. Without it that knowledge lives only in memory.
   */
  readonly manifests?: ManifestStore;
}

type Job =
  | { readonly kind: "change"; readonly rule: LiveRule; readonly paths: ReadonlySet<string>; readonly firstEventAt: number; readonly closedAt: number; readonly storm: boolean }
  | { readonly kind: "compile"; readonly paths: ReadonlySet<string>; readonly firstEventAt: number; readonly closedAt: number }
  | { readonly kind: "pod"; readonly pod: string; readonly trigger: "pod" | "resync" }
  | { readonly kind: "bind"; readonly pod: string }
  | { readonly kind: "pull"; readonly pod: string; readonly rule: LiveRule }
  | { readonly kind: "restart"; readonly request?: number };

interface Loop {
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly live: Readonly<Record<string, ServiceLive>>;
  project: ProjectState;
  session?: Promise<WatchSession | undefined>;
  /** The rules' path filters are read (loop.filters): a fill or reconcile must not send what they leave out. */
  filtersReady?: Promise<void>;
  readonly filters: Map<string, PathFilter>;
  /** What each pod's targets hold, and per rule the last manifest any pod got (persisted). */
  readonly manifests: ManifestBook;
  /** Pods reconciled, backing off, bound and filled. */
  readonly pods: PodTracker;
  /** The pull-back's cursor per pod and writable bind. */
  readonly pulls: PullCursors;
  /** The last good compiled artifact per service. */
  readonly artifacts: ArtifactShelf;
  /** Request ids queued. */
  readonly handled: Set<number>;
  readonly queue: LiveQueue<Job>;
  closed: boolean;
}

const isSyncAction = (rule: LiveRule): boolean => rule.targetDir !== undefined && (rule.action === "sync" || rule.action === "sync+restart" || rule.action === "sync+exec");
const compileRoot = (service: string): string => `${service}:compile`;
const firstLine = (text: string): string => text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const isTransient = (error: unknown): boolean => (error as { transient?: unknown } | undefined)?.transient === true;
/** Problems of the steps of one change, as the trace's error (undefined when there were none). */
const joinErrors = (...errors: readonly (string | undefined)[]): string | undefined => errors.filter((e) => e !== undefined && e !== "").join("; ") || undefined;

/** Pods of a service waiting in their devloop-bind init container for the bind-mounted source. */
export const bindingPods = (project: ProjectState, live: ServiceLive): string[] =>
  live.binds === undefined
    ? []
    : Object.values(project.objects)
        .filter((o) => o.kind === "Pod" && runsService(o.labels, live.service) && o.pod !== undefined && !o.pod.deleting && (o.pod.initRunning ?? []).includes(live.bindContainer ?? bindContainerName))
        .map((o) => o.name)
        .sort();

/** The service whose pods run `service`: its host for a sidecar, else itself. */
const podOwner = (project: ProjectState, service: string): string => sidecarHost(project.loaded?.manifests ?? [], service) ?? service;

/** Running pods of a service that have its app container. */
export const runningPods = (project: ProjectState, live: ServiceLive): string[] =>
  Object.values(project.objects)
    .filter((o) => o.kind === "Pod" && runsService(o.labels, live.service) && o.pod !== undefined && o.pod.phase === "Running" && !o.pod.deleting && o.pod.containers.includes(live.container))
    .map((o) => o.name)
    .sort();

const mergeJobs = (a: Job, b: Job): Job => {
  if (a.kind === "change" && b.kind === "change") {
    return { ...b, paths: new Set([...a.paths, ...b.paths]), firstEventAt: Math.min(a.firstEventAt, b.firstEventAt), storm: a.storm || b.storm };
  }
  if (a.kind === "compile" && b.kind === "compile") return { ...b, paths: new Set([...a.paths, ...b.paths]), firstEventAt: Math.min(a.firstEventAt, b.firstEventAt) };
  if (a.kind === "pod" && b.kind === "pod") return a.trigger === "resync" ? a : b;
  return b;
};

export const createSyncController = (params: SyncControllerParams): Controller => {
  const { watcher, syncer, compiler, exec, cluster, clock } = params;
  const loops = new Map<string, Loop>();
  let dispatch: Dispatch = () => undefined;
  let stopped = false;
  let retry: { cancel(): void } | undefined;
  let pullTimer: { cancel(): void } | undefined;
  /** Requests of projects without live rules already taken ("<project>/<id>"). */
  const plainHandled = new Set<string>();

  const log = (loop: Loop, service: string | undefined, level: "info" | "warn" | "error" | "debug", line: string): void =>
    dispatch({ type: "log", source: "sync", level, line, project: loop.name, ...(service === undefined ? {} : { service }), at: clock.now() });

  const trace = (loop: Loop, t: Omit<SyncTrace, "id">): void => {
    if (loop.closed) return;
    dispatch({ type: "syncTraced", project: loop.name, trace: t });
    const files = t.fileCount === 0 ? "" : ` ${t.fileCount} file${t.fileCount === 1 ? "" : "s"} (${t.files.slice(0, 3).join(", ")}${t.fileCount > 3 ? ", …" : ""})`;
    const steps = t.steps.map((s) => `${s.step} ${Math.round(s.ms)} ms`).join(", ");
    const line = t.status === "ok" ? `${t.action}${files} → ${t.pods.length} pod(s) in ${Math.round(t.totalMs)} ms [${steps}]` : `${t.action} failed: ${t.error ?? "?"}`;
    log(loop, t.service, t.status === "ok" ? "info" : "error", line);
    for (const r of t.refused ?? []) log(loop, t.service, "warn", r);
  };

  /** Asks the next onChange to look again (a pod to reconcile after a transient failure). */
  const retrySoon = (): void => {
    retry ??= clock.setTimeout(() => {
      retry = undefined;
      for (const loop of loops.values()) loop.pods.clearBackoff();
      dispatch({ type: "tick", at: clock.now() });
    }, 2_000);
  };

  const podTarget = (loop: Loop, live: ServiceLive, pod: string): SyncPod => ({ namespace: loop.namespace, pod, container: live.container });

  /**
   * A restart without a supervisor: the service's pods are deleted and its workload makes new ones. A sidecar's pods
   * are its host's (engine/service-pods.ts): those are deleted, restarting the host's containers with it.
   */
  const replacePods = async (namespace: string, project: ProjectState, service: string): Promise<string | undefined> => {
    try {
      await cluster.deleteByLabel(namespace, serviceSelector(project.name, podOwner(project, service)), ["Pod"]);
      return undefined;
    } catch (error) {
      return `restart ${service}: ${errorText(error)}`;
    }
  };

  /**
   * Runs `command` in the service's container in each pod (fires the pod's armed command when there is one); `label`
   * names it in problems (and its output lines, when logged).
   */
  const execEach = async (loop: Loop, live: ServiceLive, pods: readonly string[], command: readonly string[], timeoutMs: number, label: string, logOutput: boolean, armed?: ReadonlyMap<string, ArmedCommand>) => {
    const problems: string[] = [];
    const exitCodes: number[] = [];
    await Promise.all(pods.map(async (pod) => {
      try {
        const r = await (armed?.get(pod)?.fire() ?? exec(podTarget(loop, live, pod), command, { timeoutMs }));
        exitCodes.push(r.exitCode);
        if (logOutput) for (const line of `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.trim() !== "").slice(-20)) log(loop, live.service, "info", `${label}: ${line}`);
        if (r.exitCode !== 0) problems.push(`${label} in ${pod}: exit ${r.exitCode}${r.stderr.trim() ? `: ${firstLine(r.stderr)}` : ""}`);
      } catch (error) {
        problems.push(`${label} in ${pod}: ${errorText(error)}`);
      }
    }));
    return { problems, exitCodes };
  };

  const restartTimeoutMs = 30_000;

  /** Restarts the service's process in each pod (with its armed restart, if any); replaces the pods when there is no supervisor. */
  const restart = async (loop: Loop, live: ServiceLive | undefined, service: string, pods: readonly string[], armed?: ReadonlyMap<string, ArmedCommand>): Promise<string | undefined> => {
    // No supervisor (an image-only service without entrypoint, or a service whose rules never restart): new pods.
    if (live?.restart !== "process") return replacePods(loop.namespace, loop.project, service);
    const { problems, exitCodes } = await execEach(loop, live, pods, restartProcessCommand(), restartTimeoutMs, "restart", false, armed);
    // Exit 3: no supervisor in that container (a pod from before it was applied).
    const noSupervisor = exitCodes.includes(3);
    if (noSupervisor) log(loop, service, "warn", `${service} runs without devloop's supervisor (a pod from before it was applied?): replacing its pods instead`);
    return joinErrors(...problems.filter((p) => !(noSupervisor && / exit 3(:|$)/.test(p))), noSupervisor ? await replacePods(loop.namespace, loop.project, service) : undefined);
  };

  const runExec = async (loop: Loop, live: ServiceLive, rule: LiveRule, pods: readonly string[]): Promise<string | undefined> => {
    const spec = rule.exec;
    if (spec === undefined) return undefined;
    const env = Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`);
    const command = ["/bin/sh", "-c", 'cd -- "$0" && exec env "$@"', spec.workingDir ?? ".", ...env, ...spec.command];
    return joinErrors(...(await execEach(loop, live, pods, command, params.execTimeoutMs ?? 300_000, spec.command.join(" "), true)).problems);
  };

  /** Puts the last good compiled artifact at the compile spec's target in one pod. */
  const putArtifact = (loop: Loop, live: ServiceLive, target: string, pod: string, artifact: { readonly content: Uint8Array; readonly mode: number }): Promise<SyncResult> =>
    syncer.putFiles({ pod: podTarget(loop, live, pod), targetDir: path.posix.dirname(target), files: [{ name: path.posix.basename(target), content: artifact.content, mode: artifact.mode }] });

  /** Sync results of several pods → the trace's file list and refusals; failed pods are forgotten (reconciled again). */
  const summarise = (loop: Loop, root: string, pods: readonly string[], settled: readonly PromiseSettledResult<SyncResult>[]) => {
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
      if (isTransient(r.reason)) retrySoon();
    });
    return { files: [...files].sort(), refused: [...refused], error: errors.length === 0 ? undefined : errors.join("; ") };
  };

  const finishTrace = (loop: Loop, base: Pick<SyncTrace, "service" | "trigger" | "action" | "pods" | "at"> & { rule?: string }, started: number, steps: TraceStep[], summary: { files: readonly string[]; refused: readonly string[]; error?: string | undefined }): void => {
    trace(loop, {
      ...base,
      files: summary.files.slice(0, 20),
      fileCount: summary.files.length,
      steps,
      totalMs: clock.now() - started + (steps.find((s) => s.step === "wait")?.ms ?? 0),
      status: summary.error === undefined ? "ok" : "failed",
      ...(summary.error === undefined ? {} : { error: summary.error }),
      ...(summary.refused.length === 0 ? {} : { refused: summary.refused }),
    });
  };

  const timed = async <T>(steps: TraceStep[], step: TraceStep["step"], fn: () => Promise<T>): Promise<T> => {
    const t0 = clock.now();
    try {
      return await fn();
    } finally {
      steps.push({ step, ms: clock.now() - t0 });
    }
  };

  const runChange = async (loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "change" }>): Promise<void> => {
    const rule = job.rule;
    const pods = runningPods(loop.project, live).filter((p) => loop.pods.isKnown(p));
    const started = clock.now();
    const steps: TraceStep[] = [{ step: "wait", ms: job.closedAt - job.firstEventAt }];
    const base = { service: live.service, trigger: "change" as const, rule: rule.id, action: rule.action, pods, at: job.firstEventAt };
    const rels = [...job.paths].map((p) => path.relative(rule.localRoot, p) || path.basename(p));
    if (rule.action === "rebuild") {
      dispatch({ type: "rebuildRequested", project: loop.name, service: live.service, at: clock.now() });
      steps.push({ step: "rebuild", ms: 0, detail: "reload queued: the image is rebuilt and rolled out" });
      finishTrace(loop, base, started, steps, { files: rels, refused: [] });
      return;
    }
    if (rule.action === "restart") {
      const error = await timed(steps, "restart", () => restart(loop, live, live.service, pods));
      finishTrace(loop, base, started, steps, { files: rels, refused: [], error });
      return;
    }
    if (!isSyncAction(rule) || rule.targetDir === undefined || pods.length === 0) return;
    const targetDir = rule.targetDir;
    const filter = loop.filters.get(rule.id);
    // On disk before anything is sent: a daemon killed before the next manifest save still knows these may be there.
    const journaled = loop.manifests.intend(rule, rels);
    const settled = await timed(steps, "sync", () => Promise.allSettled(pods.map(async (pod) => {
      const result = await syncer.sync({
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
    const summary = summarise(loop, rule.localRoot, pods, settled);
    const synced = pods.filter((_, i) => settled[i]?.status === "fulfilled");
    if (summary.files.length === 0 && summary.refused.length === 0 && summary.error === undefined) return; // e.g. saved without a change
    let error = summary.error;
    if (summary.files.length > 0 && synced.length > 0) {
      if (rule.action === "sync+restart") error = joinErrors(error, await timed(steps, "restart", () => restart(loop, live, live.service, synced)));
      if (rule.action === "sync+exec") error = joinErrors(error, await timed(steps, "exec", () => runExec(loop, live, rule, synced)));
    }
    finishTrace(loop, base, started, steps, { ...summary, error });
  };

  const runCompile = async (loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "compile" }>): Promise<void> => {
    const spec = live.compile;
    if (spec === undefined) return;
    const started = clock.now();
    const steps: TraceStep[] = [{ step: "wait", ms: job.closedAt - job.firstEventAt }];
    // The restarts are armed while the compiler runs, so their exec set-up (~100 ms over kube exec) is done by the time
    // the artifact is in place; each fires once its pod has the artifact, and is cancelled otherwise (failed compile,
    // failed put, pod gone). A pod that appears during the compile restarts with a plain exec.
    const arm = params.armExec;
    const armed = new Map<string, ArmedCommand>();
    if (arm !== undefined && live.restart === "process") {
      for (const pod of runningPods(loop.project, live).filter((p) => loop.pods.isKnown(p))) armed.set(pod, arm(podTarget(loop, live, pod), restartProcessCommand(), { timeoutMs: restartTimeoutMs }));
    }
    const cancelArmed = (keep: readonly string[] = []): void => { for (const [pod, command] of armed) if (!keep.includes(pod)) command.cancel(); };
    let result: Awaited<ReturnType<Compiler["compile"]>>;
    try {
      result = await compiler.compile({ project: loop.name, spec }, (line) => log(loop, live.service, "info", line));
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
      finishTrace(loop, base, started, steps, { files: sources, refused: [], error: `${result.message} (the running version stays)` });
      return;
    }
    const artifact = { content: result.artifact, mode: result.mode };
    loop.artifacts.keep(live.service, artifact);
    const settled = await timed(steps, "sync", () => Promise.allSettled(pods.map((pod) => putArtifact(loop, live, spec.target, pod, artifact))));
    const sync = steps[steps.length - 1];
    const direct = settled.some((r) => r.status === "fulfilled" && r.value.via === "docker") ? " (Docker engine)" : "";
    if (sync !== undefined) steps[steps.length - 1] = { ...sync, detail: `${spec.target} (${(result.artifact.length / 2 ** 20).toFixed(1)} MiB) → ${pods.length === 1 ? pods[0] ?? "" : `${pods.length} pods`}${direct}` };
    const summary = summarise(loop, spec.source, pods, settled);
    const synced = pods.filter((_, i) => settled[i]?.status === "fulfilled");
    cancelArmed(synced);
    const restarted = synced.length === 0 ? undefined : await timed(steps, "restart", () => restart(loop, live, live.service, synced, armed));
    finishTrace(loop, base, started, steps, { files: sources, refused: [], error: joinErrors(summary.error, restarted) });
  };

  /** A pod devloop has not synced (or a resync request): bring every target in line with the local tree. */
  const runReconcile = async (loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "pod" }>): Promise<void> => {
    const pod = job.pod;
    if (!runningPods(loop.project, live).includes(pod)) { loop.pods.forget(pod); return; }
    const started = clock.now();
    const steps: TraceStep[] = [];
    const rules = live.rules.filter(isSyncAction);
    const changedBy = new Map<string, number>();
    const files: string[] = [];
    const refused: string[] = [];
    const errors: string[] = [];
    await timed(steps, "sync", async () => {
      for (const rule of rules) {
        if (rule.targetDir === undefined) continue;
        const filter = loop.filters.get(rule.id);
        const target = { pod: podTarget(loop, live, pod), localRoot: rule.localRoot, targetDir: rule.targetDir, ...(filter === undefined ? {} : { filter }) };
        // Filled at bind time: what the pod holds is known; only edits made since need sending.
        const filled = loop.pods.wasFilled(pod) ? loop.manifests.of(pod, rule.id) : undefined;
        try {
          const result = filled !== undefined
            ? await syncer.sync({ ...target, paths: [], previous: filled, rescan: true })
            : await syncer.reconcile({ ...target, previous: loop.manifests.latest(rule.id) });
          loop.manifests.record(pod, rule, result.manifest);
          changedBy.set(rule.id, result.put.length + result.deleted.length);
          files.push(...result.put, ...result.deleted);
          refused.push(...result.refused.map((r) => refusalMessage(rule.localRoot, r.rel, r.reason)));
        } catch (error) {
          errors.push(errorText(error));
          if (isTransient(error)) { loop.pods.reconcileFailed(pod); retrySoon(); }
        }
      }
      const artifact = loop.artifacts.last(live.service);
      if (artifact !== undefined && live.compile !== undefined) {
        const target = live.compile.target;
        try {
          await putArtifact(loop, live, target, pod, artifact);
          changedBy.set(compileRoot(live.service), 1);
          files.push(target);
        } catch (error) {
          errors.push(errorText(error));
        }
      }
    });
    loop.pods.reconciled(pod);
    const restartNeeded = live.restart === "process" && (changedBy.has(compileRoot(live.service)) || rules.some((r) => r.action === "sync+restart" && (changedBy.get(r.id) ?? 0) > 0));
    if (restartNeeded) {
      const e = await timed(steps, "restart", () => restart(loop, live, live.service, [pod]));
      if (e !== undefined) errors.push(e);
    }
    for (const rule of rules.filter((r) => r.action === "sync+exec" && (changedBy.get(r.id) ?? 0) > 0)) {
      const e = await timed(steps, "exec", () => runExec(loop, live, rule, [pod]));
      if (e !== undefined) errors.push(e);
    }
    finishTrace(loop, { service: live.service, trigger: job.trigger, action: "reconcile", pods: [pod], at: started }, started, steps, { files, refused, error: joinErrors(...errors) });
  };

  /**
   * A new pod waiting in devloop-bind: put each bind's local tree into that init container, then create the ready file
   * so the app container starts. A transient failure leaves the pod waiting and is retried; any other (the source is a
   * socket or a device, a file cannot be read) lets the pod start with what could be put, and the trace says why.
   */
  const runBind = async (loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "bind" }>): Promise<void> => {
    const pod = job.pod;
    if (!bindingPods(loop.project, live).includes(pod)) return;
    const started = clock.now();
    const steps: TraceStep[] = [];
    const target: SyncPod = { namespace: loop.namespace, pod, container: live.bindContainer ?? bindContainerName };
    const files: string[] = [];
    const refused: string[] = [];
    const errors: string[] = [];
    await timed(steps, "sync", async () => {
      for (const id of live.binds ?? []) {
        const rule = live.rules.find((r) => r.id === id);
        if (rule?.targetDir === undefined) continue;
        const filter = loop.filters.get(rule.id);
        try {
          // A new emptyDir: everything goes, nothing needs listing first.
          const result = await syncer.fullSync({ pod: target, localRoot: rule.localRoot, targetDir: rule.targetDir, previous: emptyManifest, ...(filter === undefined ? {} : { filter }) });
          loop.manifests.record(pod, rule, result.manifest);
          files.push(...result.put);
          refused.push(...result.refused.map((r) => refusalMessage(rule.localRoot, r.rel, r.reason)));
        } catch (error) {
          if (isTransient(error)) {
            errors.push(errorText(error));
            loop.pods.bindFailed(pod);
            retrySoon();
            return;
          }
          errors.push(`${rule.targetDir} starts without ${rule.localRoot}: ${errorText(error)}`);
        }
      }
    });
    if (loop.pods.isBound(pod)) {
      loop.pods.markFilled(pod);
      const started = await timed(steps, "exec", async () => {
        try {
          // The container's clock as the app starts (what it writes into a bind after this comes back to the host),
          // then the ready file, last: the init container ends right after, which can kill this exec (137) once done.
          const r = await exec(target, ["/bin/sh", "-c", `date +%s && : > ${bindReadyFile}`], { timeoutMs: 30_000 });
          const now = Number.parseInt(r.stdout.trim(), 10);
          if (Number.isFinite(now)) for (const id of live.binds ?? []) loop.pulls.set(pod, id, now - 1);
          return r.exitCode === 0 || (r.exitCode === 137 && Number.isFinite(now)) ? undefined : `could not start ${pod}: creating ${bindReadyFile} exited ${r.exitCode}${r.stderr.trim() ? `: ${firstLine(r.stderr)}` : ""}`;
        } catch (error) {
          if (isTransient(error)) { loop.pods.bindFailed(pod); retrySoon(); }
          return errorText(error);
        }
      });
      if (started !== undefined) errors.push(started);
    }
    finishTrace(loop, { service: live.service, trigger: "pod", action: "bind", pods: [pod], at: started }, started, steps, { files, refused, error: joinErrors(...errors) });
  };

  /** One look at a pod's writable bind for what the container created or changed; brings it back to the host. */
  const runPull = async (loop: Loop, live: ServiceLive, job: Extract<Job, { kind: "pull" }>): Promise<void> => {
    const { pod, rule } = job;
    const puller = params.puller;
    const previous = loop.manifests.of(pod, rule.id);
    if (puller === undefined || rule.pull === undefined || rule.targetDir === undefined || previous === undefined || !loop.pods.isKnown(pod)) return;
    const filter = loop.filters.get(rule.id);
    const started = clock.now();
    const since = loop.pulls.since(pod, rule.id);
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
        log(loop, live.service, "warn", `${errorText(error)}; what the container writes into ${rule.targetDir} stays in the pod`);
      }
      return;
    }
    loop.pulls.set(pod, rule.id, result.since);
    loop.manifests.recordAfter(pod, rule, previous, result.manifest);
    for (const rel of result.conflicts) {
      log(loop, live.service, "warn", `${rule.targetDir}/${rel} changed both in ${pod} and on the host: the host's copy was kept and is synced to the pod`);
    }
    if (result.pulled.length === 0 && result.conflicts.length === 0) return;
    finishTrace(loop, { service: live.service, trigger: "change", rule: rule.id, action: "pull", pods: [pod], at: started }, started, [{ step: "sync", ms: result.ms, detail: `${pod}:${rule.targetDir} → ${rule.localRoot}` }], {
      files: result.pulled, refused: [], ...(result.conflicts.length === 0 ? {} : { error: `conflict (host kept): ${result.conflicts.join(", ")}` }),
    });
  };

  /** Every pullIntervalMs: queue a look at each known pod's writable binds (merged with one already queued). */
  const schedulePulls = (): void => {
    if (params.puller === undefined || stopped) return;
    pullTimer = clock.setTimeout(() => {
      pullTimer = undefined;
      for (const loop of loops.values()) {
        if (loop.closed) continue;
        for (const live of Object.values(loop.live)) {
          for (const rule of live.rules) {
            if (rule.pull === undefined) continue;
            for (const pod of runningPods(loop.project, live).filter((p) => loop.pods.isKnown(p) && !loop.pulls.stopped(p, rule.id))) {
              loop.queue.push(live.service, { key: `pull/${pod}/${rule.id}`, payload: { kind: "pull", pod, rule } });
            }
          }
        }
      }
      schedulePulls();
    }, params.pullIntervalMs ?? 2_000);
  };

  const runRestart = async (loop: Loop, service: string, job: Extract<Job, { kind: "restart" }>): Promise<void> => {
    const live = loop.live[service];
    const started = clock.now();
    const steps: TraceStep[] = [];
    const pods = live === undefined ? [] : runningPods(loop.project, live);
    const error = await timed(steps, "restart", () => restart(loop, live, service, pods));
    finishTrace(loop, { service, trigger: "restart", action: "restart", pods, at: started }, started, steps, { files: [], refused: [], error });
    if (job.request !== undefined) dispatch({ type: "liveRequestHandled", project: loop.name, id: job.request });
  };

  const run = async (loop: Loop, service: string, job: Job): Promise<void> => {
    if (loop.closed) return;
    const live = loop.live[service];
    try {
      await loop.filtersReady;
      if (job.kind === "restart") return await runRestart(loop, service, job);
      if (live === undefined) return;
      if (job.kind === "change") return await runChange(loop, live, job);
      if (job.kind === "compile") return await runCompile(loop, live, job);
      if (job.kind === "bind") return await runBind(loop, live, job);
      if (job.kind === "pull") return await runPull(loop, live, job);
      return await runReconcile(loop, live, job);
    } catch (error) {
      log(loop, service, "error", `live sync of ${service} failed: ${errorText(error)}`);
    }
  };

  const onBatch = (loop: Loop, batch: ChangeBatch): void => {
    const byRoot = new Map<string, string[]>();
    for (const e of batch.events) byRoot.set(e.rootId, [...(byRoot.get(e.rootId) ?? []), e.path]);
    for (const [rootId, paths] of byRoot) {
      const service = rootId.slice(0, rootId.lastIndexOf(":"));
      const live = loop.live[service];
      if (live === undefined) continue;
      if (rootId === compileRoot(service)) {
        loop.queue.push(service, { key: "compile", payload: { kind: "compile", paths: new Set(paths), firstEventAt: batch.firstEventAt, closedAt: batch.closedAt } });
        continue;
      }
      const rule = live.rules.find((r) => r.id === rootId);
      if (rule === undefined) continue;
      loop.queue.push(service, { key: rule.id, payload: { kind: "change", rule, paths: new Set(paths), firstEventAt: batch.firstEventAt, closedAt: batch.closedAt, storm: batch.storm } });
    }
  };

  const loadFilters = async (loop: Loop): Promise<void> => {
    for (const live of Object.values(loop.live)) for (const rule of live.rules) loop.filters.set(rule.id, await params.ruleFilter(rule));
    // What an earlier daemon synced: a reconcile deletes in the pod what was deleted here since.
    await loop.manifests.load(Object.values(loop.live).flatMap((live) => live.rules));
  };

  const startWatching = async (loop: Loop): Promise<WatchSession | undefined> => {
    await loop.filtersReady;
    const roots: WatchRoot[] = [];
    for (const live of Object.values(loop.live)) {
      for (const rule of live.rules) {
        const filter = loop.filters.get(rule.id);
        // A file rule's watcher root is the file itself (relative path ""): no filter needed there.
        roots.push({ id: rule.id, path: rule.path, ...(rule.only === undefined && filter !== undefined ? { filter } : {}) });
      }
      if (live.compile !== undefined) roots.push({ id: compileRoot(live.service), path: live.compile.source, filter: await params.sourceFilter(live.compile.source) });
    }
    if (roots.length === 0 || loop.closed) return undefined;
    const session = await watcher.watch(roots, {
      onBatch: (batch) => onBatch(loop, batch),
      onError: (message) => log(loop, undefined, "warn", `watch: ${message}`),
    });
    if (loop.closed) { await session.close(); return undefined; }
    log(loop, undefined, "info", `watching ${roots.length} path(s) for live sync (ready in ${Math.round(session.readyMs)} ms)`);
    return session;
  };

  const closeLoop = (loop: Loop): Promise<void> => {
    loop.closed = true;
    loop.queue.clear();
    return (loop.session ?? Promise.resolve(undefined)).then((s) => s?.close(), () => undefined);
  };

  const openLoop = (project: ProjectState, key: string, live: Readonly<Record<string, ServiceLive>>, namespace: string): Loop => {
    const loop: Loop = {
      key, name: project.name, namespace, live, project,
      filters: new Map(), manifests: createManifestBook(project.name, params.manifests), pods: createPodTracker(), pulls: createPullCursors(), artifacts: createArtifactShelf(), handled: new Set(),
      queue: createLiveQueue<Job>((service, job) => run(loop, service, job), mergeJobs),
      closed: false,
    };
    // The filters first: a bind fill or a reconcile waits for them, not for the watcher's first walk. A service with
    // binds and no pod yet (a first up) has its trees walked meanwhile, while its pod is scheduled and started.
    loop.filtersReady = loadFilters(loop).then(
      () => {
        for (const live of Object.values(loop.live)) {
          if (Object.values(project.objects).some((o) => o.kind === "Pod" && runsService(o.labels, live.service))) continue;
          for (const rule of live.rules.filter((r) => live.binds?.includes(r.id) === true)) {
            const filter = loop.filters.get(rule.id);
            syncer.prepareFull?.({ localRoot: rule.localRoot, ...(filter === undefined ? {} : { filter }) });
          }
        }
      },
      (error: unknown) => log(loop, undefined, "error", `cannot read the ignore files for live sync: ${errorText(error)}`),
    );
    loop.session = startWatching(loop).catch((error: unknown) => {
      log(loop, undefined, "error", `cannot watch for live sync: ${errorText(error)}`);
      return undefined;
    });
    return loop;
  };

  const handleRequest = (loop: Loop, request: LiveRequest): void => {
    if (loop.handled.has(request.id)) return;
    loop.handled.add(request.id);
    const services = request.service !== undefined ? [request.service] : request.kind === "resync" ? Object.keys(loop.live) : (loop.project.loaded?.services ?? []);
    if (request.kind === "restart") {
      services.forEach((service, i) => loop.queue.push(service, { key: `restart/${request.id}`, payload: { kind: "restart", ...(i === services.length - 1 ? { request: request.id } : {}) } }));
      if (services.length === 0) dispatch({ type: "liveRequestHandled", project: loop.name, id: request.id });
      return;
    }
    for (const service of services) {
      const live = loop.live[service];
      if (live === undefined) continue;
      for (const pod of runningPods(loop.project, live)) {
        loop.pods.resync(pod);
        loop.queue.push(service, { key: `pod/${pod}`, payload: { kind: "pod", pod, trigger: "resync" } });
      }
    }
    dispatch({ type: "liveRequestHandled", project: loop.name, id: request.id });
  };

  return {
    name: "sync",
    onChange(state: EngineState, d: Dispatch) {
      dispatch = d;
      if (stopped) return;
      if (pullTimer === undefined) schedulePulls();
      for (const [name, loop] of loops) {
        const p = state.projects[name];
        if (p === undefined || p.status === "stopping" || p.loaded === undefined) {
          loops.delete(name);
          void closeLoop(loop);
          // Down: nothing of it runs any more, so nothing it synced needs remembering.
          if (p === undefined || p.status === "stopping") loop.manifests.drop();
        }
      }
      for (const project of Object.values(state.projects)) {
        const loaded = project.loaded;
        if (loaded === undefined || project.status === "stopping") continue;
        const live = loaded.live ?? {};
        if (Object.keys(live).length === 0) {
          const old = loops.get(project.name);
          if (old) { loops.delete(project.name); void closeLoop(old); }
          continue;
        }
        const key = JSON.stringify([loaded.namespace, live]);
        let loop = loops.get(project.name);
        if (loop?.key !== key) {
          if (loop) void closeLoop(loop);
          loop = openLoop(project, key, live, loaded.namespace);
          loops.set(project.name, loop);
        }
        loop.project = project;
        const running = new Set<string>();
        const binding = new Set<string>();
        for (const svc of Object.values(live)) {
          for (const pod of bindingPods(project, svc)) {
            binding.add(pod);
            if (!loop.pods.takeBinding(pod)) continue;
            loop.queue.push(svc.service, { key: `bind/${pod}`, payload: { kind: "bind", pod } });
          }
          for (const pod of runningPods(project, svc)) {
            running.add(pod);
            if (!loop.pods.takeRunning(pod)) continue;
            loop.queue.push(svc.service, { key: `pod/${pod}`, payload: { kind: "pod", pod, trigger: "pod" } });
          }
        }
        // What a pod that is gone held (filled at bind time and never run, say) is forgotten, and what a pod that no
        // longer runs held: it is reconciled if it runs again.
        const pods = new Set(Object.values(project.objects).filter((o) => o.kind === "Pod").map((o) => o.name));
        loop.manifests.forgetPods((pod) => !pods.has(pod));
        loop.pulls.prune(pods);
        const stopped = new Set(loop.pods.prune(running, binding, pods));
        loop.manifests.forgetPods((pod) => stopped.has(pod));
        for (const request of project.liveRequests ?? []) handleRequest(loop, request);
      }
      // Requests for projects without live rules: a restart replaces the pods; there is nothing to resync.
      for (const project of Object.values(state.projects)) {
        const namespace = project.loaded?.namespace;
        if (loops.has(project.name) || namespace === undefined) continue;
        for (const request of project.liveRequests ?? []) {
          const key = `${project.name}/${request.id}`;
          if (plainHandled.has(key)) continue;
          plainHandled.add(key);
          const services = request.service !== undefined ? [request.service] : project.loaded?.services ?? [];
          const work = request.kind === "restart"
            ? Promise.all([...new Set(services.map((service) => podOwner(project, service)))].map((service) => replacePods(namespace, project, service)))
            : Promise.resolve([]);
          void work.then(() => dispatch({ type: "liveRequestHandled", project: project.name, id: request.id }));
        }
      }
    },
    async stop() {
      stopped = true;
      retry?.cancel();
      pullTimer?.cancel();
      await params.manifests?.flush();
      await Promise.allSettled([...loops.values()].map(closeLoop));
      loops.clear();
    },
  };
};
