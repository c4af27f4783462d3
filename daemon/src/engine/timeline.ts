/**
 * The dashboard's timeline of changes: why each reload/apply happened and how long each step took to reach the
 * running code. The engine owns it (engine.ts feeds it each batch of actions, the same batch its public event log is
 * derived from, and times it on the engine's clock); the server only serves `engine.timeline(project)`. It keeps,
 * per project, the last changes with a trace of steps whose times are measured from the triggering fact.
 *
 * A change opens on composeChanged (file X changed → reload) or projectRequested (up / namespace / profiles),
 * gets a "load" step, one "apply <unit>" step per unit applied, a "ready <service>" step per service that
 * became ready after it, and closes when nothing is left to apply and every touched service settled; a build
 * of the reload shows as "build <service>" ("up to date" when its content did not change). A rebuild request
 * (`devloop rebuild`, the dashboard's button, a develop.watch rebuild rule) opens a reload of its own.
 *
 * The live loop's changes arrive whole, one syncTraced per change (engine/state.ts SyncTrace), and become a
 * closed change each: the reason ("src/message.js changed", "3 files changed", "new pod web-abc", "resync
 * requested", "restart requested"), the action (sync, sync+restart, compile, reconcile, restart…), the trace's
 * steps laid end to end with their measured ms, and, when it failed, the error's first line on the change (the
 * step that ran last is the one marked failed); paths confinement refused are listed. A restart request for a
 * project without live rules (no trace: the pods are replaced) is a change of its own: "delete pods of web", then
 * "ready web" once the service is ready on new pods. Every action type is handled explicitly: a new one fails the
 * type check here.
 */
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { Action } from "./actions.js";
import { runsService } from "./service-pods.js";
import { isApplied, serviceViews } from "./selectors.js";
import type { EngineState, ProjectState, SyncTrace } from "./state.js";

export interface TimelineStep {
  readonly name: string;
  /** ms after the change started. */
  readonly startMs: number;
  endMs?: number;
  status: "running" | "ok" | "error";
  detail?: string;
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
  readonly steps: TimelineStep[];
  status: "running" | "done" | "error";
  totalMs?: number;
  /** Live-loop changes: the service, what triggered it, the files (first few of fileCount) and pods it touched. */
  readonly service?: string;
  readonly trigger?: SyncTrace["trigger"];
  readonly files?: readonly string[];
  readonly fileCount?: number;
  readonly pods?: readonly string[];
  /** Why it failed, first line (a compile error's, an exec failure's); the full output is in the service's log. */
  error?: string;
  /** Paths the sync refused to write, each with its reason. */
  readonly refused?: readonly string[];
}

export interface Timeline {
  /** Takes in one batch of the store (the actions reduced at once, the state before and after). */
  reduce(state: EngineState, actions: readonly Action[], previous: EngineState): void;
  /** The project's changes, newest first. */
  changes(project: string): readonly TimelineChange[];
}

/** A restart of a project without live rules: its pods are deleted, then each Deployment rolls out new ones. */
interface PlainRestart {
  readonly change: TimelineChange;
  /** Services that were ready when it was asked for, with the pods they ran then. */
  readonly waitFor: ReadonlyMap<string, ReadonlySet<string>>;
}

interface Open {
  change: TimelineChange;
  generation: number;
  applied: Set<string>;
}

const maxChanges = 100;
const openLimitMs = 5 * 60_000;

export const createTimeline = (now: () => number): Timeline => {
  const history = new Map<string, TimelineChange[]>();
  const open = new Map<string, Open>();
  /** Restart requests of projects without live rules, by "<project>/<request id>" (undefined: already closed). */
  const requests = new Map<string, PlainRestart | undefined>();
  let nextId = 1;

  const record = (change: TimelineChange): void => {
    const list = history.get(change.project) ?? [];
    list.push(change);
    if (list.length > maxChanges) list.splice(0, list.length - maxChanges);
    history.set(change.project, list);
  };
  const start = (project: ProjectState, reason: string, action: string): Open => {
    const previous = open.get(project.name);
    if (previous && previous.change.status === "running") finish(previous, "done", "superseded by a newer change");
    const change: TimelineChange = { id: nextId++, project: project.name, at: now(), reason, action, steps: [], status: "running" };
    record(change);
    const o: Open = { change, generation: project.generation, applied: new Set() };
    open.set(project.name, o);
    return o;
  };
  const elapsed = (o: Open): number => now() - o.change.at;
  const step = (o: Open, name: string, status: TimelineStep["status"], detail?: string, durationMs?: number): TimelineStep => {
    const end = elapsed(o);
    const s: TimelineStep = { name, startMs: durationMs === undefined ? end : Math.max(0, end - durationMs), status, ...(status === "running" ? {} : { endMs: end }), ...(detail === undefined ? {} : { detail }) };
    o.change.steps.push(s);
    return s;
  };
  const endStep = (o: Open, name: string, status: TimelineStep["status"], detail?: string): void => {
    const s = [...o.change.steps].reverse().find((x) => x.name === name && x.status === "running");
    if (!s) {
      step(o, name, status, detail);
      return;
    }
    s.endMs = elapsed(o);
    s.status = status;
    if (detail !== undefined) s.detail = detail;
  };
  function finish(o: Open, status: TimelineChange["status"], detail?: string): void {
    for (const s of o.change.steps) if (s.status === "running") Object.assign(s, { status: "error", endMs: elapsed(o), detail: detail ?? "unfinished" });
    o.change.status = status;
    o.change.totalMs = elapsed(o);
    open.delete(o.change.project);
  }

  const reduce = (state: EngineState, actions: readonly Action[], previous: EngineState): void => {
    for (const a of actions) {
      const name = "project" in a && typeof a.project === "string" ? a.project : a.type === "projectRequested" || a.type === "upAccepted" ? a.request.name : undefined;
      if (name === undefined) continue;
      const project = state.projects[name];
      const o = open.get(name);
      switch (a.type) {
        case "projectRequested":
        case "upAccepted": {
          if (!project) break;
          const before = previous.projects[name];
          const ns = a.request.namespace;
          const reason = !before ? "up" : ns !== undefined && ns !== (before.loaded?.namespace ?? before.request.namespace) ? `namespace → ${ns}` : a.request.options.profiles.join(",") !== before.request.options.profiles.join(",") ? `profiles → ${a.request.options.profiles.join(", ") || "(none)"}` : "up";
          const change = start(project, reason, "reload");
          step(change, "load", "running");
          // An up arrives loaded (POST /api/projects waited for its load): the load step ends with it.
          if (a.type === "upAccepted" && project.loaded && project.loadedGeneration === project.generation) endStep(change, "load", "ok", `${project.loaded.services.length} service(s)`);
          break;
        }
        case "composeChanged":
          if (!project) break;
          step(start(project, `${a.files.map((f) => basename(f)).join(", ")} changed`, "reload"), "load", "running");
          break;
        case "projectLoaded":
          if (o && a.generation >= o.generation) endStep(o, "load", "ok", `${a.loaded.services.length} service(s)`);
          break;
        case "projectInvalid":
          if (o && a.generation >= o.generation) {
            endStep(o, "load", "error", `${a.diagnostics.length} diagnostic(s); the last good version keeps running`);
            finish(o, "error");
          }
          break;
        case "applyStarted":
          if (o) {
            step(o, `apply ${a.unit}`, "running");
            o.applied.add(a.unit);
          }
          break;
        case "applyFinished":
          if (o) endStep(o, `apply ${a.unit}`, a.error === undefined ? "ok" : "error", a.error);
          break;
        case "downRequested":
          start(project ?? ({ name, generation: 0 } as ProjectState), "down", "delete");
          break;
        case "projectRemoved":
          if (o) finish(o, "done");
          break;
        case "rebuildRequested":
          if (!project || project.status === "stopping") break;
          step(start(project, a.service === undefined ? "rebuild requested" : `rebuild requested (${a.service})`, "reload"), "load", "running");
          break;
        case "buildStarted":
          if (o && a.generation >= o.generation) step(o, `build ${a.service}`, "running");
          break;
        case "buildFinished":
          if (o && a.generation >= o.generation) endStep(o, `build ${a.service}`, a.error === undefined ? "ok" : "error", a.error !== undefined ? firstLine(a.error) : a.skipped === true ? "up to date" : a.image);
          break;
        case "syncTraced":
          record(liveChange(nextId++, name, a.trace, project === undefined ? undefined : projectRelative(project, a.trace)));
          break;
        case "liveRequested": {
          // With live rules the sync controller answers with traces; without, a restart replaces the pods.
          if (!project?.loaded || Object.keys(project.loaded.live ?? {}).length > 0) break;
          const id = (project.liveRequests ?? []).map((r) => r.id).find((i) => !requests.has(`${name}/${i}`));
          if (id === undefined) break;
          const reason = `${a.kind} requested${a.service === undefined ? "" : ` (${a.service})`}`;
          const change: TimelineChange = { id: nextId++, project: name, at: now(), reason, action: a.kind === "restart" ? "replace pods" : "none", steps: [], status: "running", ...(a.service === undefined ? {} : { service: a.service }), trigger: a.kind };
          record(change);
          if (a.kind === "restart") {
            const views = serviceViews(project);
            const targets = a.service === undefined ? project.loaded.services : [a.service];
            const waitFor = new Map(targets.flatMap((svc) => (views[svc]?.phase === "ready" ? [[svc, new Set(views[svc].pods)] as const] : [])));
            change.steps.push({ name: `delete pods of ${targets.join(", ") || "no service"}`, startMs: 0, status: "running" });
            requests.set(`${name}/${id}`, { change, waitFor });
          } else {
            change.steps.push({ name: "resync", startMs: 0, endMs: 0, status: "ok", detail: "no develop.watch or compile rules: nothing to sync" });
            Object.assign(change, { status: "done", totalMs: 0 });
            requests.set(`${name}/${id}`, undefined);
          }
          break;
        }
        case "liveRequestHandled": {
          const request = requests.get(`${name}/${a.id}`);
          if (!request || request.change.status !== "running") break;
          const end = now() - request.change.at;
          for (const s of request.change.steps) if (s.status === "running") Object.assign(s, { status: "ok", endMs: end });
          // The rollout wait: from the deletion to the moment each service is ready on new pods.
          for (const svc of request.waitFor.keys()) request.change.steps.push({ name: `ready ${svc}`, startMs: end, status: "running" });
          break;
        }
        case "log":
        case "tick":
        case "stateRestored":
        case "objectsObserved":
        case "portForwardChanged":
        case "portForwardClosed":
        case "servicePruned":
        case "deliveryDecided":
        case "namespaceReleased":
        case "clusterReachable":
        case "clusterUnreachable":
        case "podStable":
        case "failureReported":
        case "buildProgressed":
        case "upRequested":
        case "upLoaded":
        case "upDropped":
          break;
        default: {
          const unhandled: never = a;
          void unhandled;
        }
      }
    }
    // Plain restarts: ready again on new pods.
    for (const [key, request] of requests) {
      if (!request) continue;
      const { change } = request;
      const project = state.projects[change.project];
      const elapsedMs = now() - change.at;
      if (!project || elapsedMs > openLimitMs) {
        for (const s of change.steps) if (s.status === "running") Object.assign(s, { status: "error", endMs: elapsedMs, detail: project ? "not ready on new pods after 5 minutes" : "the project is gone" });
        Object.assign(change, { status: "error", totalMs: elapsedMs });
        requests.set(key, undefined);
        continue;
      }
      if (change.steps.some((s) => s.name.startsWith("delete pods") && s.status === "running")) continue;
      const views = serviceViews(project);
      for (const s of change.steps) {
        if (s.status !== "running" || !s.name.startsWith("ready ")) continue;
        const svc = s.name.slice("ready ".length);
        const v = views[svc];
        const old = request.waitFor.get(svc) ?? new Set();
        // Ready on new pods: the workload says ready, and every live pod of the service is new and ready itself
        // (the Deployment's status lags the deletion, so its ready count alone still counts the old pod).
        const pods = Object.values(project.objects).filter((o) => o.kind === "Pod" && runsService(o.labels, svc) && o.pod !== undefined && !o.pod.deleting);
        if (v?.phase === "ready" && pods.length > 0 && pods.every((o) => !old.has(o.name) && o.pod?.ready === true)) Object.assign(s, { status: "ok", endMs: elapsedMs, detail: pods.map((o) => o.name).join(", ") });
        else if (v?.phase === "failed") Object.assign(s, { status: "error", endMs: elapsedMs, ...(v.message === undefined ? {} : { detail: v.message }) });
      }
      if (change.steps.every((s) => s.status !== "running")) {
        Object.assign(change, { status: change.steps.some((s) => s.status === "error") ? "error" : "done", totalMs: elapsedMs });
        requests.set(key, undefined);
      }
    }
    // Readiness and closing, per open change.
    for (const o of [...open.values()]) {
      const project = state.projects[o.change.project];
      if (!project) continue;
      if (project.generation !== o.generation && !o.change.steps.some((s) => s.name === "load")) continue;
      const views = serviceViews(project);
      for (const unit of o.applied) {
        const v = views[unit];
        if (!v || o.change.steps.some((s) => s.name === `ready ${unit}` || s.name === `failed ${unit}`)) continue;
        // The rollout wait: from the end of the unit's last apply to the moment it reports ready.
        const applied = [...o.change.steps].reverse().find((x) => x.name === `apply ${unit}`)?.endMs;
        if (v.phase === "ready" || v.phase === "completed") step(o, `ready ${unit}`, "ok", v.pods.join(", "), applied === undefined ? undefined : elapsed(o) - applied);
        else if (v.phase === "failed") step(o, `failed ${unit}`, "error", v.message);
      }
      const loading = o.change.steps.some((s) => s.name === "load" && s.status === "running");
      const applying = Object.values(project.units).some((u) => u.applyingHash !== undefined || (!isApplied(u) && u.error === undefined));
      const waiting = [...o.applied].some((u) => views[u] && !o.change.steps.some((s) => s.name === `ready ${u}` || s.name === `failed ${u}`));
      // Every load queues a build of each image (unchanged ones come back "up to date" at once): wait for them too.
      const building = Object.values(project.builds ?? {}).some((b) => b.status === "queued" || b.status === "building");
      if (!loading && !applying && !waiting && !building && project.status === "active") {
        if (!o.change.steps.some((s) => s.name.startsWith("apply "))) o.change.steps.push({ name: "nothing to apply", startMs: elapsed(o), endMs: elapsed(o), status: "ok" });
        finish(o, o.change.steps.some((s) => s.status === "error") ? "error" : "done");
      } else if (elapsed(o) > openLimitMs) finish(o, "error", "no result after 5 minutes");
    }
  };
  return {
    reduce,
    changes: (project) => [...(history.get(project) ?? [])].reverse(),
  };
};

const firstLine = (text: string): string => text.split("\n").find((l) => l.trim() !== "")?.trim() ?? text;

/**
 * Trace files are relative to their rule's root (the develop.watch path); the dashboard names them from the
 * project's directory (the first compose file's), as the user sees them in the editor: "example/web/src/message.js".
 */
const projectRelative = (project: ProjectState, trace: Omit<SyncTrace, "id">): ((file: string) => string) | undefined => {
  const live = project.loaded?.live?.[trace.service];
  const root = trace.action === "compile" ? live?.compile?.source : live?.rules.find((r) => r.id === trace.rule)?.localRoot;
  const compose = project.loaded?.composeFiles[0];
  if (root === undefined || compose === undefined) return undefined;
  const dir = dirname(compose);
  return (file) => {
    const rel = relative(dir, resolve(dir, root, file));
    return rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
  };
};

/** Why a live-loop change happened, in the words the dashboard shows. */
export const liveReason = (trace: Omit<SyncTrace, "id">): string => {
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

/**
 * One syncTraced → one closed change whose steps lie end to end on its own time axis. `display` names a trace file
 * for people (default: as the trace has it, relative to the rule's root).
 */
export const liveChange = (id: number, project: string, raw: Omit<SyncTrace, "id">, display?: (file: string) => string): TimelineChange => {
  const trace = display === undefined ? raw : { ...raw, files: raw.files.map(display) };
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
