/** Pure queries over the engine state: what each service is doing, and what needs applying next. */
import type { DependencyEdge } from "../translate/types.js";
import type { DependsOnCondition } from "../compose/types.js";
import type { ObservedObject } from "../ports/cluster.js";
import { serviceLabel } from "./labels.js";
import type { EngineState, ProjectState, UnitState } from "./state.js";
import { namespaceUnit } from "./state.js";

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
}

const fatalPodReasons = new Set(["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);
const conditionWord: Record<DependsOnCondition, string> = {
  service_started: "started",
  service_healthy: "healthy",
  service_completed_successfully: "completed",
};

export const isApplied = (unit: UnitState | undefined): boolean =>
  unit?.desiredHash !== undefined && unit.appliedHash === unit.desiredHash;

const workloadKinds = new Set(["Deployment", "StatefulSet", "Job"]);

export const serviceOfManifestLabels = (labels: Readonly<Record<string, string>> | undefined): string | undefined => labels?.[serviceLabel];

interface Health {
  kind?: string;
  started: boolean;
  ready: boolean;
  completed: boolean;
  failed: boolean;
  message?: string;
  pods: string[];
  restarts: number;
}

const observedHealth = (project: ProjectState, service: string): Health => {
  const unit = project.units[service];
  const kind = project.loaded?.manifests.find((m) => workloadKinds.has(m.kind) && serviceOfManifestLabels(m.metadata.labels) === service)?.kind;
  const mine = Object.values(project.objects).filter((o) => o.labels[serviceLabel] === service);
  const pods = mine.filter((o): o is ObservedObject & { pod: NonNullable<ObservedObject["pod"]> } => o.kind === "Pod" && o.pod !== undefined && !o.pod.deleting);
  const current = (o: ObservedObject): boolean => o.inputHash === undefined || o.inputHash === unit?.appliedHash;
  const workload = mine.find((o) => o.kind !== "Pod" && current(o));
  const running = pods.some((p) => p.pod.phase === "Running" || p.pod.phase === "Succeeded");
  const health: Health = { ...(kind === undefined ? {} : { kind }), started: running, ready: false, completed: false, failed: false, pods: pods.map((p) => p.name), restarts: pods.reduce((n, p) => n + p.pod.restarts, 0) };
  const problem = pods.find((p) => p.pod.reason !== undefined && p.pod.phase !== "Succeeded");
  if (problem?.pod.reason !== undefined) {
    const detail = problem.pod.message ?? (problem.pod.exitCode === undefined ? undefined : `exit code ${problem.pod.exitCode}`);
    health.message = detail === undefined ? problem.pod.reason : `${problem.pod.reason}: ${detail}`;
    if (fatalPodReasons.has(problem.pod.reason)) health.failed = true;
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
      health.message = workload.job.message ?? health.message ?? "the job failed";
    } else if (workload.job.succeeded) {
      health.failed = false;
      delete health.message;
    }
    return health;
  }
  const r = workload.replicas;
  if (workload.problem !== undefined && health.message === undefined) health.message = workload.problem;
  if (r) {
    health.ready = r.observedCurrent && r.updated >= r.desired && r.ready >= r.desired && r.current <= r.desired;
    health.started = health.ready || running;
    if (health.ready) {
      health.failed = false;
      delete health.message;
    }
  }
  return health;
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
    const base = { name, ...(health.kind === undefined ? {} : { kind: health.kind }), started: health.started, ready: health.ready, completed: health.completed, failed: health.failed, pods: health.pods, restarts: health.restarts };
    // The image is built before the workload is applied: a pending build gates the apply like a dependency.
    const build = project.builds?.[name];
    const buildFailed = build?.status === "failed" ? `image build failed: ${firstLine(build.error ?? "")}` : undefined;
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

export const projectList = (state: EngineState): readonly ProjectState[] => Object.values(state.projects);
