/** Pure queries over the engine state: what each service is doing, and what needs applying next. */
import type { PublicFailure } from "../api/types.js";
import type { DependencyEdge } from "../translate/types.js";
import type { DependsOnCondition } from "../compose/types.js";
import type { ObservedObject } from "../ports/cluster.js";
import { Labels } from "../translate/labels.js";
import { sidecarHost, sidecarsOf } from "./service-pods.js";
import type { BuildState, EngineState, ProjectState, UnitState } from "./state.js";
import { namespaceUnit } from "./state.js";
import { projectTimeline, type TimelineChange } from "./timeline.js";

export type ServicePhase = "pending" | "building" | "waiting" | "blocked" | "applying" | "starting" | "ready" | "completed" | "failed";

export interface ServiceView {
  readonly name: string;
  readonly kind?: string;
  readonly phase: ServicePhase;
  readonly message?: string;
  /** Dependencies not yet satisfied, e.g. ["cache (healthy)"]. */
  readonly waitingFor: readonly string[];
  readonly started: boolean;
  readonly ready: boolean;
  readonly completed: boolean;
  readonly failed: boolean;
  readonly pods: readonly string[];
  readonly restarts: number;
  /** The pod that makes the service failed, and how (absent when no pod is to blame). */
  readonly crash?: Crash;
}

/** A failed pod of a service: the container's exit (or the waiting reason), as the API shows it, and how to read its log. */
export interface Crash extends Pick<PublicFailure, "pod" | "container" | "reason" | "waiting" | "exitCode" | "message" | "restarts"> {
  /** The crashed run's log is the previous container's (the container was restarted since). */
  readonly previous: boolean;
  /** Identifies this crash: a new restart or reason is a new one (a new failure report is read). */
  readonly key: string;
}

/**
 * How long a pod without a healthcheck must run ready with no restart before its service counts as ready. A
 * process that exits within this window (a bad config, a missing module) is failed, not ready. 2 s: long enough to
 * catch a crash at start-up, short enough not to slow a healthy `up` down noticeably.
 */
export const stableWindowMs = 2000;

/**
 * The scheduler's "no node fits" (PodScheduled=False, reason Unschedulable: no node matches the nodeSelector or
 * affinity, insufficient cpu or memory) never passes by itself on a dev cluster: the service is failed at once, with
 * the scheduler's message, as a crash is. Not when the cause is one that passes: a PVC still being bound or provisioned,
 * a node not ready yet (its taint), or a node being removed.
 */
export const permanentlyUnschedulable = (reason: string | undefined, message: string | undefined): boolean =>
  reason === "Unschedulable" && !/unbound (immediate )?PersistentVolumeClaims|persistentvolumeclaim .* not found|node\.kubernetes\.io\/(not-ready|unreachable|network-unavailable)|ToBeDeletedByClusterAutoscaler|were unschedulable/i.test(message ?? "");

const fatalPodReasons = new Set(["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);
const conditionWord: Record<DependsOnCondition, string> = {
  service_started: "started",
  service_healthy: "healthy",
  service_completed_successfully: "completed",
};

export const isApplied = (unit: UnitState | undefined): boolean =>
  unit?.desiredHash !== undefined && unit.appliedHash === unit.desiredHash;

const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

export const serviceOfManifestLabels = (labels: Readonly<Record<string, string>> | undefined): string | undefined => labels?.[Labels.service];

interface Health {
  kind?: string;
  started: boolean;
  ready: boolean;
  completed: boolean;
  failed: boolean;
  message?: string;
  pods: string[];
  restarts: number;
  crash?: Crash;
}

type ObservedPod = ObservedObject & { pod: NonNullable<ObservedObject["pod"]> };

/** Ready and running, and (without a healthcheck) seen so for the stable window with the same restart count. */
export const podSettled = (project: ProjectState, p: ObservedPod): boolean =>
  p.pod.phase === "Running" && p.pod.ready && p.pod.running !== false && (p.pod.probed === true || project.stablePods?.[p.name] === p.pod.restarts);

/** A running pod that waits for its stable window (the stability controller times it). */
export const podAwaitingStable = (project: ProjectState, p: ObservedPod): boolean =>
  p.pod.phase === "Running" && p.pod.ready && p.pod.running !== false && p.pod.probed !== true && !p.pod.deleting && project.stablePods?.[p.name] !== p.pod.restarts;

const longRunningKinds = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

const crashOf = (p: ObservedPod): Crash => {
  const exit = p.pod.lastExit;
  const reason = exit?.reason ?? p.pod.reason ?? "restarting";
  const waiting = p.pod.reason !== undefined && p.pod.reason !== reason ? p.pod.reason : undefined;
  const container = exit?.container ?? p.pod.containers[0] ?? "";
  const exitCode = exit?.exitCode ?? p.pod.exitCode;
  const message = p.pod.message ?? exit?.message;
  return {
    pod: p.name,
    container,
    reason,
    ...(waiting === undefined ? {} : { waiting }),
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(message === undefined ? {} : { message }),
    restarts: p.pod.restarts,
    previous: exit !== undefined && !exit.now,
    key: `${p.name}:${p.pod.restarts}:${reason}:${waiting ?? ""}:${exitCode ?? ""}`,
  };
};

/** "exited with code 3 (Error)", "CrashLoopBackOff: exited with code 137 (OOMKilled), 4 restarts". */
export const crashMessage = (c: Crash, exit: ObservedPod["pod"]["lastExit"]): string => {
  const exited = exit === undefined ? undefined : `exited with code ${exit.exitCode} (${exit.reason})`;
  const restarts = c.restarts > 0 ? `, ${c.restarts} restart${c.restarts === 1 ? "" : "s"}` : "";
  if (exited === undefined) return `${c.reason}${c.message === undefined ? "" : `: ${c.message}`}`;
  return c.waiting === undefined || exit?.now === true ? `${exited}${restarts}` : `${c.waiting}: ${exited}${restarts}`;
};

const observedHealth = (project: ProjectState, service: string): Health => {
  // A sidecar runs in its host's pods: it is as started and ready as they are (a pod is ready when all its containers are).
  const host = sidecarHost(project.loaded?.manifests ?? [], service);
  if (host !== undefined) return observedHealth(project, host);
  const unit = project.units[service];
  const kind = project.loaded?.manifests.find((m) => workloadKinds.has(m.kind) && serviceOfManifestLabels(m.metadata.labels) === service)?.kind;
  const mine = Object.values(project.objects).filter((o) => o.labels[Labels.service] === service);
  const pods = mine.filter((o): o is ObservedPod => o.kind === "Pod" && o.pod !== undefined && !o.pod.deleting);
  const current = (o: ObservedObject): boolean => o.inputHash === undefined || o.inputHash === unit?.appliedHash;
  const workload = mine.find((o) => o.kind !== "Pod" && current(o));
  const running = pods.some((p) => p.pod.phase === "Running" || p.pod.phase === "Succeeded");
  const health: Health = { ...(kind === undefined ? {} : { kind }), started: running, ready: false, completed: false, failed: false, pods: pods.map((p) => p.name), restarts: pods.reduce((n, p) => n + p.pod.restarts, 0) };
  // Pods carry their unit's hash: those of a version before the applied one are on their way out, and their
  // problems (a crash loop the new version fixes) are not this version's.
  const currentPods = pods.filter(current);
  const problem = currentPods.find((p) => p.pod.reason !== undefined && p.pod.phase !== "Succeeded");
  if (problem?.pod.reason !== undefined) {
    const detail = problem.pod.message ?? (problem.pod.exitCode === undefined ? undefined : `exit code ${problem.pod.exitCode}`);
    health.message = detail === undefined ? problem.pod.reason : `${problem.pod.reason}: ${detail}`;
    if (fatalPodReasons.has(problem.pod.reason) || permanentlyUnschedulable(problem.pod.reason, problem.pod.message)) {
      health.failed = true;
      health.crash = crashOf(problem);
    }
  }
  // A long-running container that exited (crashed, OOMKilled, or just ended) and does not run settled again is failed.
  const longRunning = kind !== undefined && longRunningKinds.has(kind);
  const crashed = longRunning ? currentPods.find((p) => p.pod.lastExit !== undefined && !podSettled(project, p)) : undefined;
  if (crashed) {
    health.failed = true;
    health.crash = crashOf(crashed);
    health.message = crashMessage(health.crash, crashed.pod.lastExit);
  }
  if (kind === undefined) {
    // Nothing runs for this service (e.g. only a Service object): applied means ready.
    const ok = isApplied(unit);
    return { ...health, started: ok, ready: ok, completed: ok };
  }
  if (!workload) return health;
  if (workload.job) {
    health.started = workload.job.active > 0 || workload.job.succeeded || running;
    health.completed = workload.job.succeeded;
    health.ready = workload.job.succeeded;
    if (workload.job.failed) {
      health.failed = true;
      const exited = pods.find((p) => p.pod.lastExit !== undefined && p.pod.lastExit.exitCode !== 0);
      if (exited) health.crash = crashOf(exited);
      const code = exited?.pod.lastExit === undefined ? "" : ` (exit code ${exited.pod.lastExit.exitCode})`;
      health.message = `${workload.job.message ?? health.message ?? "the job failed"}${code}`;
    } else if (workload.job.succeeded) {
      health.failed = false;
      delete health.message;
    }
    return health;
  }
  const r = workload.replicas;
  if (workload.problem !== undefined && health.message === undefined) health.message = workload.problem;
  if (r) {
    // A DaemonSet that no node matches (placement) runs nothing: rolled out on paper, not ready.
    const noNode = workload.kind === "DaemonSet" && r.observedCurrent && r.desired === 0;
    if (noNode && health.message === undefined) health.message = "no node matches: the DaemonSet runs no pod";
    const rolledOut = !noNode && r.observedCurrent && r.updated >= r.desired && r.ready >= r.desired && r.current <= r.desired;
    // Kubernetes counts a pod ready as soon as its container runs (no probe): also require the stable window.
    health.ready = rolledOut && !health.failed && currentPods.every((p) => podSettled(project, p));
    health.started = rolledOut || running;
    if (health.ready) {
      delete health.message;
    } else if (rolledOut && !health.failed && health.message === undefined) {
      health.message = "running, waiting for the stable window";
    }
  }
  return health;
};

/** The service's build, or one of its sidecars' (they run in its pod) when that one is not built yet or failed. */
const gatingBuild = (project: ProjectState, name: string): BuildState | undefined => {
  const own = project.builds?.[name];
  if (own !== undefined && own.status !== "built") return own;
  const sidecar = sidecarsOf(project.loaded?.manifests ?? [], name).map((s) => project.builds?.[s]).find((b) => b !== undefined && b.status !== "built");
  return sidecar ?? own;
};

const firstLine = (text: string): string => text.split("\n", 1)[0]?.trim() ?? "";

/** Whether a dependency in this state meets a depends_on condition (started, healthy = ready, completed). */
export const conditionMet = (health: Pick<Health, "started" | "ready" | "completed">, condition: DependsOnCondition): boolean =>
  condition === "service_started" ? health.started : condition === "service_healthy" ? health.ready : health.completed;

/** Views of every enabled service of a project, dependencies evaluated once each. */
export const serviceViews = (project: ProjectState): Readonly<Record<string, ServiceView>> => {
  const loaded = project.loaded;
  if (!loaded) return {};
  const edges = new Map<string, DependencyEdge[]>();
  for (const e of loaded.dependencies) edges.set(e.service, [...(edges.get(e.service) ?? []), e]);
  const views: Record<string, ServiceView> = {};
  const visiting = new Set<string>();
  const enabled = new Set(loaded.services);

  const view = (name: string): ServiceView => {
    const known = views[name];
    if (known) return known;
    if (visiting.has(name)) return { name, phase: "blocked", message: "depends_on cycle", waitingFor: [], started: false, ready: false, completed: false, failed: true, pods: [], restarts: 0 };
    visiting.add(name);
    const unit = project.units[name];
    const health = observedHealth(project, name);
    const waitingFor: string[] = [];
    let blocked: string | undefined;
    for (const edge of edges.get(name) ?? []) {
      if (!enabled.has(edge.dependsOn)) {
        if (edge.required) blocked ??= `depends on ${edge.dependsOn}, which is not enabled (profile?)`;
        continue;
      }
      const dep = view(edge.dependsOn);
      const depHealth = { started: dep.started, ready: dep.ready, completed: dep.completed, failed: dep.failed, pods: [], restarts: 0 };
      if (conditionMet(depHealth, edge.condition)) continue;
      if (dep.phase === "blocked" || dep.failed) {
        blocked ??= `${edge.dependsOn} ${dep.phase === "blocked" ? "is blocked" : "failed"}${dep.message ? ` (${dep.message})` : ""}`;
      } else {
        waitingFor.push(`${edge.dependsOn} (${conditionWord[edge.condition]})`);
      }
    }
    const nsReady = isApplied(project.units[namespaceUnit]);
    const base = { name, ...(health.kind === undefined ? {} : { kind: health.kind }), started: health.started, ready: health.ready, completed: health.completed, failed: health.failed, pods: health.pods, restarts: health.restarts, ...(health.crash === undefined ? {} : { crash: health.crash }) };
    // The image is built before the workload is applied: a pending build gates the apply like a dependency.
    const build = gatingBuild(project, name);
    const buildFailed = build?.status === "failed" ? `image build ${build.service === name ? "" : `of ${build.service} `}failed: ${firstLine(build.error ?? "")}` : undefined;
    const building = build !== undefined && (build.status === "queued" || build.status === "building");
    let result: ServiceView;
    if (unit?.applyingHash !== undefined) result = { ...base, phase: "applying", waitingFor: [] };
    else if (!isApplied(unit)) {
      if (buildFailed !== undefined) result = { ...base, phase: "blocked", message: `blocked: ${buildFailed}`, waitingFor, failed: false };
      else if (blocked !== undefined) result = { ...base, phase: "blocked", message: `blocked: ${blocked}`, waitingFor, failed: false };
      else if (building && build !== undefined) result = { ...base, phase: "building", message: build.status === "queued" ? `image ${build.image} queued for build` : `building image ${build.image}`, waitingFor };
      else if (waitingFor.length > 0) result = { ...base, phase: "waiting", message: `waiting for ${waitingFor.join(", ")}`, waitingFor };
      else if (unit?.error !== undefined) result = { ...base, phase: "failed", message: unit.error, waitingFor: [], failed: true };
      else result = { ...base, phase: "pending", ...(nsReady ? {} : { message: "waiting for the namespace" }), waitingFor: [] };
    } else if (health.failed && building && build !== undefined) {
      // The fix may be in this build: say it is building rather than failed.
      result = { ...base, phase: "building", message: `building image ${build.image} (the running version failed${health.message === undefined ? "" : `: ${health.message}`})`, waitingFor: [] };
    } else if (health.failed) result = { ...base, phase: "failed", ...(health.message === undefined ? {} : { message: health.message }), waitingFor: [] };
    else if (health.completed && health.kind === "Job") result = { ...base, phase: "completed", waitingFor: [] };
    else if (health.ready) result = { ...base, phase: "ready", waitingFor: [] };
    else result = { ...base, phase: "starting", ...(health.message === undefined ? {} : { message: health.message }), waitingFor: [] };
    // Still running the previous image: say the new one does not build.
    if (buildFailed !== undefined && isApplied(unit) && unit?.applyingHash === undefined && !result.failed) result = { ...result, message: `${buildFailed} (running the previous image)` };
    visiting.delete(name);
    views[name] = result;
    return result;
  };
  for (const s of loaded.services) view(s);
  return views;
};

/** Units whose desired hash differs from the applied one and may be applied now (namespace first, then depends_on). */
export const unitsToApply = (project: ProjectState, now: number): readonly string[] => {
  if (project.status !== "active" || !project.loaded) return [];
  const free = (u: UnitState | undefined): boolean =>
    u !== undefined && u.desiredHash !== undefined && !isApplied(u) && u.applyingHash === undefined && (u.retryAt === undefined || u.retryAt <= now);
  const ns = project.units[namespaceUnit];
  if (!isApplied(ns)) return free(ns) ? [namespaceUnit] : [];
  const views = serviceViews(project);
  return project.loaded.services.filter((s) => free(project.units[s]) && views[s]?.phase === "pending");
};

/** Builds asked for and not started, oldest first per project (the build controller caps how many run). */
export const buildsToStart = (project: ProjectState): readonly string[] => {
  if (project.status !== "active" || !project.loaded) return [];
  return project.loaded.services.filter((s) => project.builds?.[s]?.status === "queued");
};

/** The earliest retry time among units waiting on backoff, to schedule a wake-up. */
export const nextRetryAt = (project: ProjectState): number | undefined => {
  const times = Object.values(project.units).flatMap((u) => (u.retryAt !== undefined && !isApplied(u) ? [u.retryAt] : []));
  return times.length > 0 ? Math.min(...times) : undefined;
};

export const allSettled = (project: ProjectState): boolean => {
  const views = Object.values(serviceViews(project));
  return project.status === "active" && views.length > 0 && views.every((v) => v.phase === "ready" || v.phase === "completed");
};

/** The dashboard's timeline of a project's changes, newest first (state.timeline, reduced from the event log). */
export const timelineChanges = (state: EngineState, project: string): readonly TimelineChange[] => (state.timeline === undefined ? [] : projectTimeline(state.timeline, project));
