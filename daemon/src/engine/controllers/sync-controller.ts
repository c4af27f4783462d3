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
 * Directory bind mounts (translate/bind-mounts.ts): a new pod of a service with binds waits for them, its app container
 * itself where its command line is known at apply (engine/bind-wait.ts), else in its "devloop-bind" init container;
 * the controller puts each bind's tree into that container (the same syncer), then creates the ready file, and the
 * app's process starts with the tree in place. A `devloop run` pod of the service is one more
 * target of its binds (live-pods.ts): filled, synced and pulled from the same way while it runs (through its
 * devloop-run-binds container), and looked at once more after its command ended, before that container may end. Once
 * the pod runs, its reconcile only walks the local tree against what was put (edits made meanwhile are sent), instead
 * of listing the container again.
 * The way back: every pullIntervalMs each running pod's writable binds (rules with `pull`) are asked what the
 * container created or changed since the last look (ports/puller.ts); that is written on the host, and the manifests
 * take it in, so the watcher's echo sends nothing. A change made on both sides keeps the host's copy (reported).
 *
 * Every change leaves a trace (syncTraced: wait → compile → sync → exec/restart, ms per step) for the dashboard and
 * `devloop status`, and a log line. Work for one service runs one job at a time (live-queue.ts); edits arriving
 * meanwhile merge into the next job.
 *
 * This file keeps the loops' lifecycle (one per project with live rules: opened on a load, closed on a change of its
 * rules or namespace, on down or stop), the watch, which pods get a job, requests, and the retry and pull timers. The
 * work and the state are split by concern in ../live/:
 *   loop.ts             the Loop, its jobs and what runners are handed (LiveDeps)
 *   pod-tracker.ts      which pods are known, backing off, bound, filled     (state)
 *   manifest-book.ts    what each pod's targets hold, each rule's latest, persisted through the ManifestStore (state)
 *   pull-cursors.ts     the pull-back's cursor per pod and bind              (state)
 *   artifact-shelf.ts   the last good compiled artifact per service          (state)
 *   live-batch.ts       a batch of a rule's changes → sync / restart / exec / rebuild
 *   compile-delivery.ts a compile, the artifact put into each pod, the restart
 *   reconcile-pod.ts    a pod devloop has not synced (or a resync)
 *   bind-fill.ts        a pod waiting for its binds (app container or devloop-bind)
 *   pull-back.ts        what containers write into writable binds, back to the host
 *   live-exec.ts        restarts (supervisor or new pods), exec commands, restart requests
 *   live-trace.ts       log lines and traces;  live-pods.ts  the pods a job works on
 */
import type { WatchRoot, WatchSession, FileWatcher } from "../../ports/file-watcher.js";
import type { ManifestStore } from "../../ports/manifest-store.js";
import type { ChangeBatch } from "../../sync/batcher.js";
import type { PathFilter } from "../../sync/path-filter.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import type { Dispatch } from "../actions.js";
import { runsService } from "../service-pods.js";
import { createArtifactShelf } from "../live/artifact-shelf.js";
import { runBind } from "../live/bind-fill.js";
import { runCompile } from "../live/compile-delivery.js";
import { runChange } from "../live/live-batch.js";
import { replacePods, runRestart } from "../live/live-exec.js";
import { bindFilledAnnotation } from "../../translate/bind-mounts.js";
import { bindingPods, endedRunPods, podOwner, runningPods, runningRunPods, startedUnreadyBindPods, startingBindPods } from "../live/live-pods.js";
import { log } from "../live/live-trace.js";
import type { Job, LiveDeps, LivePorts, Loop } from "../live/loop.js";
import { compileRoot, errorText, mergeJobs } from "../live/loop.js";
import { createManifestBook } from "../live/manifest-book.js";
import { createPodTracker } from "../live/pod-tracker.js";
import { queuePulls, runEnded, runPull } from "../live/pull-back.js";
import { createPullCursors } from "../live/pull-cursors.js";
import { runReconcile } from "../live/reconcile-pod.js";
import { createLiveQueue } from "../live-queue.js";
import type { EngineState, LiveRequest, ProjectState } from "../state.js";
import type { Controller } from "./controller.js";

/** The job runners' ports (live/loop.ts LivePorts: syncer, compiler, exec, armExec, cluster, clock, execTimeoutMs, puller) and: */
export interface SyncControllerParams extends LivePorts {
  readonly watcher: FileWatcher;
  /** A rule's path filter, relative to its localRoot (sync/rule-filter.ts reads the ignore files). */
  readonly ruleFilter: (rule: LiveRule) => Promise<PathFilter>;
  /** A compile source's filter (.gitignore, .dockerignore). */
  readonly sourceFilter: (dir: string) => Promise<PathFilter>;
  /** How often each pod's writable binds are looked at, ms. Default 2 s. */
  readonly pullIntervalMs?: number;
  /**
   * Keeps what was last synced per rule across daemon restarts, so a reconcile after one deletes in the pod what was
   * deleted locally meanwhile. Without it that knowledge lives only in memory.
   */
  readonly manifests?: ManifestStore;
}

export const createSyncController = (params: SyncControllerParams): Controller => {
  const { watcher, clock } = params;
  const loops = new Map<string, Loop>();
  /** Pods annotated once after their in-app bind wait (startedUnreadyBindPods), by name; forgotten with the pod. */
  const poked = new Set<string>();
  let dispatch: Dispatch = () => undefined;
  let stopped = false;
  let retry: { cancel(): void } | undefined;
  let pullTimer: { cancel(): void } | undefined;
  /** Requests of projects without live rules already taken ("<project>/<id>"). */
  const plainHandled = new Set<string>();

  /** Asks the next onChange to look again (a pod to reconcile after a transient failure). */
  const retrySoon = (): void => {
    retry ??= clock.setTimeout(() => {
      retry = undefined;
      for (const loop of loops.values()) loop.pods.clearBackoff();
      dispatch({ type: "tick", at: clock.now() });
    }, 2_000);
  };

  const deps: LiveDeps = { ...params, dispatch: (action) => dispatch(action), retrySoon };

  /** Every pullIntervalMs: queue a look at each known pod's writable binds (merged with one already queued). */
  const schedulePulls = (): void => {
    if (params.puller === undefined || stopped) return;
    pullTimer = clock.setTimeout(() => {
      pullTimer = undefined;
      for (const loop of loops.values()) queuePulls(loop);
      schedulePulls();
    }, params.pullIntervalMs ?? 2_000);
  };

  const run = async (loop: Loop, service: string, job: Job): Promise<void> => {
    if (loop.closed) return;
    const live = loop.live[service];
    try {
      await loop.filtersReady;
      if (job.kind === "restart") return await runRestart(deps, loop, service, job);
      if (live === undefined) return;
      if (job.kind === "change") return await runChange(deps, loop, live, job);
      if (job.kind === "compile") return await runCompile(deps, loop, live, job);
      if (job.kind === "bind") return await runBind(deps, loop, live, job);
      if (job.kind === "pull") return await runPull(deps, loop, live, job);
      if (job.kind === "ended") return await runEnded(deps, loop, live, job);
      return await runReconcile(deps, loop, live, job);
    } catch (error) {
      log(deps, loop, service, "error", `live sync of ${service} failed: ${errorText(error)}`);
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
      onError: (message) => log(deps, loop, undefined, "warn", `watch: ${message}`),
    });
    if (loop.closed) { await session.close(); return undefined; }
    log(deps, loop, undefined, "info", `watching ${roots.length} path(s) for live sync (ready in ${Math.round(session.readyMs)} ms)`);
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
            params.syncer.prepareFull?.({ localRoot: rule.localRoot, ...(filter === undefined ? {} : { filter }), ...(params.nodeVolumes?.here() === true ? { toDisk: true } : {}) });
          }
        }
      },
      (error: unknown) => log(deps, loop, undefined, "error", `cannot read the ignore files for live sync: ${errorText(error)}`),
    );
    loop.session = startWatching(loop).catch((error: unknown) => {
      log(deps, loop, undefined, "error", `cannot watch for live sync: ${errorText(error)}`);
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
      for (const pod of [...runningPods(loop.project, live), ...runningRunPods(loop.project, live)]) {
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
          // Scheduled, the waiting container next: the fill starts as soon as an exec gets in, not when the status says it runs.
          for (const pod of startingBindPods(project, svc)) {
            binding.add(pod);
            if (!loop.pods.takeEarly(pod)) continue;
            loop.queue.push(svc.service, { key: `bind/${pod}`, payload: { kind: "bind", pod, early: true } });
          }
          // A service's own pods, and its `devloop run` pods for its binds (live-pods.ts).
          for (const pod of [...runningPods(project, svc), ...runningRunPods(project, svc)]) {
            running.add(pod);
            if (!loop.pods.takeRunning(pod)) continue;
            loop.queue.push(svc.service, { key: `pod/${pod}`, payload: { kind: "pod", pod, trigger: "pod" } });
          }
          // Started after its fill, not ready yet: one pod update makes the kubelet look (live-pods.ts).
          for (const pod of startedUnreadyBindPods(project, svc)) {
            if (poked.has(pod) || deps.cluster.annotatePod === undefined) continue;
            poked.add(pod);
            // Said, not retried: without it the pod is only Ready on the kubelet's next sync, up to a minute later.
            void deps.cluster.annotatePod(loop.namespace, pod, { [bindFilledAnnotation]: "true" }).catch((error: unknown) => {
              log(deps, loop, svc.service, "warn", `could not annotate ${pod} once its bind fill was in (${errorText(error)}): it shows Ready on the kubelet's next pod sync, up to a minute later (kubernetes#95140)`);
            });
          }
          // A run pod whose command ended: a last look at its binds (after its reconcile and pulls queued before).
          for (const pod of endedRunPods(project, svc)) {
            if (loop.pods.takeEnded(pod)) loop.queue.push(svc.service, { key: `ended/${pod}`, payload: { kind: "ended", pod } });
          }
        }
        // What a pod that is gone held (filled at bind time and never run, say) is forgotten, and what a pod that no
        // longer runs held: it is reconciled if it runs again.
        const pods = new Set(Object.values(project.objects).filter((o) => o.kind === "Pod").map((o) => o.name));
        loop.manifests.forgetPods((pod) => !pods.has(pod));
        loop.pulls.prune(pods);
        const stopped = new Set(loop.pods.prune(running, binding, pods));
        loop.manifests.forgetPods((pod) => stopped.has(pod));
        for (const pod of [...poked]) if (!pods.has(pod)) poked.delete(pod);
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
            ? Promise.all([...new Set(services.map((service) => podOwner(project, service)))].map((service) => replacePods(deps, namespace, project, service)))
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
