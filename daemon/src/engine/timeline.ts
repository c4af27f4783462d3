/**
 * The dashboard's timeline of changes: why each reload/apply happened and how long each step took to reach the
 * running code. One pure reducer over the engine's public event log: the `fact` events (project-facts.ts: what
 * happened, in order), the `progress` events (where each project's rollout stands after a batch) and
 * `projectRemoved`; every time is the event's. engine.ts folds each batch's events into the store's
 * `state.timeline`, and the server reads it through selectors.timelineChanges.
 *
 * A change opens on a reload request (file X changed, up, namespace / profiles, a rebuild), gets a "load" step,
 * one "apply <unit>" step per unit applied, a "ready <service>" step per service that became ready after it, and
 * closes when nothing is left to apply and every touched service settled; a build of the reload shows as
 * "build <service>" ("up to date" when its content did not change).
 *
 * The live loop's changes arrive whole, one `synced` fact per change, and become a closed change each: the reason
 * ("src/message.js changed", "3 files changed", "new pod web-abc", "resync requested", "restart requested"), the
 * action (sync, sync+restart, compile, reconcile, restart…), the trace's steps laid end to end with their measured
 * ms, and, when it failed, the error's first line on the change (the step that ran last is the one marked failed);
 * paths confinement refused are listed. A restart request for a project without live rules (no trace: the pods are
 * replaced) is a change of its own: "delete pods of web", then "ready web" once the service is ready on new pods.
 */
import type { ProjectFact, ProjectProgress, PublicChange, PublicEvent } from "../api/types.js";

export interface TimelineStep {
  readonly name: string;
  /** ms after the change started. */
  readonly startMs: number;
  readonly endMs?: number;
  readonly status: "running" | "ok" | "error";
  readonly detail?: string;
}

export interface TimelineChange {
  readonly id: number;
  readonly project: string;
  /** ms since epoch. */
  readonly at: number;
  /** Why: "compose.yml changed", "up", "namespace → dev-2". */
  readonly reason: string;
  /** What the daemon did about it: "reload", "sync". */
  readonly action: string;
  readonly steps: readonly TimelineStep[];
  readonly status: "running" | "done" | "error";
  readonly totalMs?: number;
  /** Live-loop changes: the service, what triggered it, the files (first few of fileCount) and pods it touched. */
  readonly service?: string;
  readonly trigger?: PublicChange["trigger"];
  readonly files?: readonly string[];
  readonly fileCount?: number;
  readonly pods?: readonly string[];
  /** Why it failed, first line (a compile error's, an exec failure's); the full output is in the service's log. */
  readonly error?: string;
  /** Paths the sync refused to write, each with its reason. */
  readonly refused?: readonly string[];
}

/** The project's reload (or delete) in progress: its change, the generation it loads, the units it applied. */
interface OpenChange {
  readonly id: number;
  readonly generation: number;
  readonly applied: readonly string[];
}

/** A restart of a project without live rules: its pods are deleted, then each Deployment rolls out new ones. */
interface PlainRestart {
  readonly project: string;
  readonly id: number;
  /** Services that were ready when it was asked for, with the pods they ran then. */
  readonly waitFor: Readonly<Record<string, readonly string[]>>;
}

export interface TimelineState {
  readonly nextId: number;
  /** Per project, oldest first, at most maxChanges. */
  readonly changes: Readonly<Record<string, readonly TimelineChange[]>>;
  readonly open: Readonly<Record<string, OpenChange>>;
  /** Plain restarts waiting for new pods, by "<project>/<request id>". */
  readonly restarts: Readonly<Record<string, PlainRestart>>;
  /** Each project's last progress event. */
  readonly progress: Readonly<Record<string, ProjectProgress>>;
}

export const emptyTimeline: TimelineState = { nextId: 1, changes: {}, open: {}, restarts: {}, progress: {} };

const maxChanges = 100;
const openLimitMs = 5 * 60_000;

const firstLine = (text: string): string => text.split("\n").find((l) => l.trim() !== "")?.trim() ?? text;

const find = (state: TimelineState, project: string, id: number): TimelineChange | undefined => state.changes[project]?.findLast((c) => c.id === id);

const update = (state: TimelineState, project: string, id: number, fn: (change: TimelineChange) => TimelineChange): TimelineState => {
  const list = state.changes[project] ?? [];
  const i = list.findLastIndex((c) => c.id === id);
  const current = list[i];
  if (current === undefined) return state;
  return { ...state, changes: { ...state.changes, [project]: list.with(i, fn(current)) } };
};

const record = (state: TimelineState, change: TimelineChange): TimelineState => {
  const list = [...(state.changes[change.project] ?? []), change];
  return { ...state, changes: { ...state.changes, [change.project]: list.slice(-maxChanges) } };
};

const withoutKey = <T>(map: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> => Object.fromEntries(Object.entries(map).filter(([k]) => k !== key));

/** A step that starts (running) or ends now; `durationMs` places its start that long before now. */
const addStep = (change: TimelineChange, time: number, name: string, status: TimelineStep["status"], detail?: string, durationMs?: number): TimelineChange => {
  const end = time - change.at;
  const step: TimelineStep = { name, startMs: durationMs === undefined ? end : Math.max(0, end - durationMs), status, ...(status === "running" ? {} : { endMs: end }), ...(detail === undefined ? {} : { detail }) };
  return { ...change, steps: [...change.steps, step] };
};

/** Ends the last running step of that name (or adds it ended, when none runs). */
const endStep = (change: TimelineChange, time: number, name: string, status: TimelineStep["status"], detail?: string): TimelineChange => {
  const i = change.steps.findLastIndex((s) => s.name === name && s.status === "running");
  const step = change.steps[i];
  if (step === undefined) return addStep(change, time, name, status, detail);
  return { ...change, steps: change.steps.with(i, { ...step, endMs: time - change.at, status, ...(detail === undefined ? {} : { detail }) }) };
};

const ended = (change: TimelineChange, time: number, status: TimelineChange["status"], stepStatus: TimelineStep["status"], detail?: string): TimelineChange => ({
  ...change,
  steps: change.steps.map((s) => (s.status === "running" ? { ...s, status: stepStatus, endMs: time - change.at, ...(detail === undefined ? {} : { detail }) } : s)),
  status,
  totalMs: time - change.at,
});

/** Closes the project's open change: steps still running end as errors ("unfinished" unless said). */
const finish = (state: TimelineState, project: string, time: number, status: TimelineChange["status"], detail?: string): TimelineState => {
  const o = state.open[project];
  if (o === undefined) return state;
  const closed = update(state, project, o.id, (c) => ended(c, time, status, "error", detail ?? "unfinished"));
  return { ...closed, open: withoutKey(closed.open, project) };
};

const start = (state: TimelineState, project: string, time: number, generation: number, reason: string, action: string, first?: (change: TimelineChange) => TimelineChange): TimelineState => {
  const previous = state.open[project];
  const superseded = previous !== undefined && find(state, project, previous.id)?.status === "running" ? finish(state, project, time, "done", "superseded by a newer change") : state;
  const change: TimelineChange = { id: superseded.nextId, project, at: time, reason, action, steps: [], status: "running" };
  const recorded = record({ ...superseded, nextId: superseded.nextId + 1 }, first === undefined ? change : first(change));
  return { ...recorded, open: { ...recorded.open, [project]: { id: change.id, generation, applied: [] } } };
};

/** Applies fn to the project's open change when the fact's generation is not older than the one it loads. */
const onOpen = (state: TimelineState, project: string, generation: number | undefined, fn: (change: TimelineChange, o: OpenChange) => TimelineChange): TimelineState => {
  const o = state.open[project];
  if (o === undefined || (generation !== undefined && generation < o.generation)) return state;
  return update(state, project, o.id, (c) => fn(c, o));
};

/** Why a live-loop change happened, in the words the dashboard shows. */
export const liveReason = (trace: Omit<PublicChange, "id">): string => {
  switch (trace.trigger) {
    case "pod":
      return `new pod ${trace.pods[0] ?? ""}`.trim();
    case "resync":
      return "resync requested";
    case "restart":
      return "restart requested";
    case "change":
      if (trace.action === "compile" && trace.fileCount === 0) return `${trace.service} sources changed`;
      if (trace.fileCount === 1 && trace.files[0] !== undefined) return `${trace.files[0]} changed`;
      return `${trace.fileCount} files changed`;
  }
};

/** One live-loop change → one closed change whose steps lie end to end on its own time axis. */
export const liveChange = (id: number, project: string, trace: Omit<PublicChange, "id">): TimelineChange => {
  let t = 0;
  // The step that ran last (not the wait) is the one that failed.
  const lastWork = trace.steps.findLastIndex((s) => s.step !== "wait");
  const failedAt = trace.status === "failed" ? (lastWork === -1 ? trace.steps.length - 1 : lastWork) : -1;
  const steps = trace.steps.map((s, i): TimelineStep => {
    const startMs = t;
    t += s.ms;
    const where = trace.pods.length === 1 ? trace.pods[0] ?? "" : `${trace.pods.length} pods`;
    const detail = s.detail ?? (s.step === "sync" ? (trace.fileCount > 0 ? `${trace.fileCount} file(s) → ${where}` : `nothing differed in ${where}`) : s.step === "restart" && trace.pods.length > 0 ? trace.pods.join(", ") : undefined);
    return { name: s.step, startMs, endMs: t, status: i === failedAt ? "error" : "ok", ...(detail === undefined ? {} : { detail }) };
  });
  return {
    id,
    project,
    at: trace.at,
    reason: liveReason(trace),
    action: trace.action,
    steps,
    status: trace.status === "ok" ? "done" : "error",
    totalMs: Math.max(trace.totalMs, t),
    service: trace.service,
    trigger: trace.trigger,
    files: trace.files,
    fileCount: trace.fileCount,
    pods: trace.pods,
    ...(trace.error === undefined ? {} : { error: firstLine(trace.error) }),
    ...(trace.refused === undefined || trace.refused.length === 0 ? {} : { refused: trace.refused }),
  };
};

const plainLive = (state: TimelineState, project: string, time: number, fact: Extract<ProjectFact, { kind: "plainLiveRequested" }>): TimelineState => {
  const reason = `${fact.action} requested${fact.service === undefined ? "" : ` (${fact.service})`}`;
  const base: TimelineChange = { id: state.nextId, project, at: time, reason, action: fact.action === "restart" ? "replace pods" : "none", steps: [], status: "running", ...(fact.service === undefined ? {} : { service: fact.service }), trigger: fact.action };
  const next = { ...state, nextId: state.nextId + 1 };
  if (fact.action === "resync") {
    return record(next, { ...base, steps: [{ name: "resync", startMs: 0, endMs: 0, status: "ok", detail: "no develop.watch or compile rules: nothing to sync" }], status: "done", totalMs: 0 });
  }
  const recorded = record(next, { ...base, steps: [{ name: `delete pods of ${fact.targets.join(", ") || "no service"}`, startMs: 0, status: "running" }] });
  return { ...recorded, restarts: { ...recorded.restarts, [`${project}/${fact.id}`]: { project, id: base.id, waitFor: fact.ready } } };
};

const liveHandled = (state: TimelineState, project: string, time: number, requestId: number): TimelineState => {
  const r = state.restarts[`${project}/${requestId}`];
  if (r === undefined || find(state, project, r.id)?.status !== "running") return state;
  return update(state, project, r.id, (c) => {
    const end = time - c.at;
    // The rollout wait: from the deletion to the moment each service is ready on new pods.
    const deleted = c.steps.map((s): TimelineStep => (s.status === "running" ? { ...s, status: "ok", endMs: end } : s));
    return { ...c, steps: [...deleted, ...Object.keys(r.waitFor).map((svc): TimelineStep => ({ name: `ready ${svc}`, startMs: end, status: "running" }))] };
  });
};

const onFact = (state: TimelineState, project: string, time: number, fact: ProjectFact): TimelineState => {
  switch (fact.kind) {
    case "reloadRequested": {
      const { loaded } = fact;
      // An up arrives loaded (POST /api/projects waited for its load): the load step ends with it.
      return start(state, project, time, fact.generation, fact.reason, "reload", (c) => {
        const loading = addStep(c, time, "load", "running");
        return loaded === undefined ? loading : endStep(loading, time, "load", "ok", `${loaded.services} service(s)`);
      });
    }
    case "downRequested":
      return start(state, project, time, fact.generation, "down", "delete");
    case "loaded":
      return onOpen(state, project, fact.generation, (c) => endStep(c, time, "load", "ok", `${fact.services} service(s)`));
    case "invalid": {
      const o = state.open[project];
      if (o === undefined || fact.generation < o.generation) return state;
      const failed = update(state, project, o.id, (c) => endStep(c, time, "load", "error", `${fact.diagnostics} diagnostic(s); the last good version keeps running`));
      return finish(failed, project, time, "error");
    }
    case "applyStarted": {
      const o = state.open[project];
      if (o === undefined) return state;
      const started = update(state, project, o.id, (c) => addStep(c, time, `apply ${fact.unit}`, "running"));
      return { ...started, open: { ...started.open, [project]: { ...o, applied: o.applied.includes(fact.unit) ? o.applied : [...o.applied, fact.unit] } } };
    }
    case "applyFinished":
      return onOpen(state, project, undefined, (c) => endStep(c, time, `apply ${fact.unit}`, fact.error === undefined ? "ok" : "error", fact.error));
    case "buildStarted":
      return onOpen(state, project, fact.generation, (c) => addStep(c, time, `build ${fact.service}`, "running"));
    case "buildFinished":
      return onOpen(state, project, fact.generation, (c) => endStep(c, time, `build ${fact.service}`, fact.ok ? "ok" : "error", fact.detail));
    case "synced":
      return record({ ...state, nextId: state.nextId + 1 }, liveChange(state.nextId, project, fact.change));
    case "plainLiveRequested":
      return plainLive(state, project, time, fact);
    case "liveRequestHandled":
      return liveHandled(state, project, time, fact.id);
  }
};

/** Plain restarts of the project: each "ready <service>" ends once the service is ready on new pods (or failed). */
const settleRestarts = (state: TimelineState, project: string, time: number, progress: ProjectProgress): TimelineState => {
  let next = state;
  for (const [key, r] of Object.entries(state.restarts)) {
    if (r.project !== project) continue;
    const change = find(next, project, r.id);
    if (change === undefined) {
      next = { ...next, restarts: withoutKey(next.restarts, key) };
      continue;
    }
    if (change.steps.some((s) => s.name.startsWith("delete pods") && s.status === "running")) continue;
    const elapsedMs = time - change.at;
    const steps = change.steps.map((s): TimelineStep => {
      if (s.status !== "running" || !s.name.startsWith("ready ")) return s;
      const svc = s.name.slice("ready ".length);
      const v = progress.services[svc];
      const old = r.waitFor[svc] ?? [];
      // Ready on new pods: the workload says ready, and every live pod of the service is new and ready itself
      // (the Deployment's status lags the deletion, so its ready count alone still counts the old pod).
      const pods = Object.entries(v?.livePods ?? {});
      if (v?.phase === "ready" && pods.length > 0 && pods.every(([name, ready]) => !old.includes(name) && ready)) return { ...s, status: "ok", endMs: elapsedMs, detail: pods.map(([name]) => name).join(", ") };
      if (v?.phase === "failed") return { ...s, status: "error", endMs: elapsedMs, ...(v.message === undefined ? {} : { detail: v.message }) };
      return s;
    });
    const done = steps.every((s) => s.status !== "running");
    next = update(next, project, r.id, (c) => ({ ...c, steps, ...(done ? { status: steps.some((s) => s.status === "error") ? "error" : "done", totalMs: elapsedMs } : {}) }));
    if (done) next = { ...next, restarts: withoutKey(next.restarts, key) };
  }
  return next;
};

/** The project's open change after a progress event: its services' readiness, and whether it is over. */
const settleOpen = (state: TimelineState, project: string, time: number, progress: ProjectProgress): TimelineState => {
  const o = state.open[project];
  const change = o === undefined ? undefined : find(state, project, o.id);
  if (o === undefined || change === undefined) return state;
  if (progress.generation !== o.generation && !change.steps.some((s) => s.name === "load")) return state;
  let c = change;
  const settled = (unit: string): boolean => c.steps.some((s) => s.name === `ready ${unit}` || s.name === `failed ${unit}`);
  for (const unit of o.applied) {
    const v = progress.services[unit];
    if (v === undefined || settled(unit)) continue;
    // The rollout wait: from the end of the unit's last apply to the moment it reports ready.
    const applied = c.steps.findLast((x) => x.name === `apply ${unit}`)?.endMs;
    if (v.phase === "ready" || v.phase === "completed") c = addStep(c, time, `ready ${unit}`, "ok", v.pods.join(", "), applied === undefined ? undefined : time - c.at - applied);
    else if (v.phase === "failed") c = addStep(c, time, `failed ${unit}`, "error", v.message);
  }
  const next = c === change ? state : update(state, project, o.id, () => c);
  const loading = c.steps.some((s) => s.name === "load" && s.status === "running");
  const waiting = o.applied.some((u) => progress.services[u] !== undefined && !settled(u));
  // Every load queues a build of each image (unchanged ones come back "up to date" at once): wait for them too.
  if (loading || progress.applying || waiting || progress.building || progress.status !== "active") return next;
  const closing = c.steps.some((s) => s.name.startsWith("apply ")) ? next : update(next, project, o.id, (x) => ({ ...x, steps: [...x.steps, { name: "nothing to apply", startMs: time - x.at, endMs: time - x.at, status: "ok" }] }));
  return finish(closing, project, time, c.steps.some((s) => s.status === "error") ? "error" : "done");
};

/** Changes left waiting past the limit end as errors. */
const expire = (state: TimelineState, time: number): TimelineState => {
  let next = state;
  for (const [key, r] of Object.entries(state.restarts)) {
    const change = find(next, r.project, r.id);
    if (change !== undefined && time - change.at <= openLimitMs) continue;
    next = update(next, r.project, r.id, (c) => ended(c, time, "error", "error", "not ready on new pods after 5 minutes"));
    next = { ...next, restarts: withoutKey(next.restarts, key) };
  }
  for (const [project, o] of Object.entries(state.open)) {
    const change = find(next, project, o.id);
    if (change !== undefined && time - change.at > openLimitMs) next = finish(next, project, time, "error", "no result after 5 minutes");
  }
  return next;
};

/** The one timeline reducer: the state after one more event of the engine's public event log. */
export const reduceTimeline = (state: TimelineState, event: PublicEvent): TimelineState => {
  switch (event.type) {
    case "fact":
      return expire(onFact(state, event.project, event.time, event.fact), event.time);
    case "progress": {
      const withProgress = { ...state, progress: { ...state.progress, [event.project]: event.progress } };
      return expire(settleOpen(settleRestarts(withProgress, event.project, event.time, event.progress), event.project, event.time, event.progress), event.time);
    }
    case "projectRemoved": {
      const closed = finish(state, event.project, event.time, "done");
      let next: TimelineState = { ...closed, progress: withoutKey(closed.progress, event.project) };
      for (const [key, r] of Object.entries(next.restarts)) {
        if (r.project !== event.project) continue;
        next = update(next, r.project, r.id, (c) => ended(c, event.time, "error", "error", "the project is gone"));
        next = { ...next, restarts: withoutKey(next.restarts, key) };
      }
      return expire(next, event.time);
    }
    case "project":
    case "cluster":
    case "log":
      return Object.keys(state.open).length === 0 && Object.keys(state.restarts).length === 0 ? state : expire(state, event.time);
  }
};

/** A project's changes, newest first. */
export const projectTimeline = (state: TimelineState, project: string): readonly TimelineChange[] => [...(state.changes[project] ?? [])].reverse();
