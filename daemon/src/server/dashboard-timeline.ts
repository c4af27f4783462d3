/**
 * The dashboard's timeline of changes: why each reload/apply happened and how long each step took to reach the
 * running code. A store subscriber (like the server itself): it reads batches of actions and keeps, per project,
 * the last changes with a trace of steps whose times are measured from the triggering fact.
 *
 * A change opens on composeChanged (file X changed → reload) or projectRequested (up / namespace / profiles),
 * gets a "load" step, one "apply <unit>" step per unit applied, a "ready <service>" step per service that
 * became ready after it, and closes when nothing is left to apply and every touched service settled. Actions
 * this file does not know (the sync engine's, when it lands) that name a project and carry `ms` or `paths`
 * are recorded generically as steps of their own, so the trace shape does not have to change for them.
 */
import { basename } from "node:path";
import type { Action } from "../engine/actions.js";
import { isApplied, serviceViews } from "../engine/selectors.js";
import type { EngineState, ProjectState } from "../engine/state.js";
import type { Store } from "../engine/store.js";

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
}

export interface Timeline {
  changes(project: string): readonly TimelineChange[];
  stop(): void;
}

interface Open {
  change: TimelineChange;
  generation: number;
  applied: Set<string>;
}

const maxChanges = 100;
const openLimitMs = 5 * 60_000;

export const createTimeline = (store: Store<EngineState, Action>, now: () => number = Date.now): Timeline => {
  const history = new Map<string, TimelineChange[]>();
  const open = new Map<string, Open>();
  let nextId = 1;

  const start = (project: ProjectState, reason: string, action: string): Open => {
    const previous = open.get(project.name);
    if (previous && previous.change.status === "running") finish(previous, "done", "superseded by a newer change");
    const change: TimelineChange = { id: nextId++, project: project.name, at: now(), reason, action, steps: [], status: "running" };
    const list = history.get(project.name) ?? [];
    list.push(change);
    if (list.length > maxChanges) list.splice(0, list.length - maxChanges);
    history.set(project.name, list);
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

  const unsubscribe = store.subscribe((state, actions, previous) => {
    for (const a of actions) {
      const name = "project" in a && typeof a.project === "string" ? a.project : a.type === "projectRequested" ? a.request.name : undefined;
      if (name === undefined) continue;
      const project = state.projects[name];
      const o = open.get(name);
      switch (a.type) {
        case "projectRequested": {
          if (!project) break;
          const before = previous.projects[name];
          const ns = a.request.namespace;
          const reason = !before ? "up" : ns !== undefined && ns !== (before.loaded?.namespace ?? before.request.namespace) ? `namespace → ${ns}` : a.request.options.profiles.join(",") !== before.request.options.profiles.join(",") ? `profiles → ${a.request.options.profiles.join(", ") || "(none)"}` : "up";
          step(start(project, reason, "reload"), "load", "running");
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
        case "log":
        case "tick":
        case "stateRestored":
        case "objectsObserved":
        case "portForwardChanged":
        case "servicePruned":
        case "namespaceReleased":
        case "clusterReachable":
        case "clusterUnreachable":
          break;
        default: {
          // Facts added later (sync, build, restart): recorded generically.
          const extra = a as { type: string; ms?: unknown; paths?: unknown; service?: unknown };
          if (!project) break;
          const cur = open.get(name);
          const ms = typeof extra.ms === "number" ? extra.ms : undefined;
          const paths = Array.isArray(extra.paths) ? extra.paths.map(String) : [];
          const target = cur ?? start(project, paths.length > 0 ? `${paths.slice(0, 3).map((p) => basename(p)).join(", ")} changed` : extra.type, extra.type);
          step(target, `${extra.type}${typeof extra.service === "string" ? ` ${extra.service}` : ""}`, "ok", paths.length > 0 ? paths.slice(0, 5).join(", ") : undefined, ms);
        }
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
      if (!loading && !applying && !waiting && project.status === "active") {
        if (o.change.steps.every((s) => s.name === "load")) o.change.steps.push({ name: "nothing to apply", startMs: elapsed(o), endMs: elapsed(o), status: "ok" });
        finish(o, o.change.steps.some((s) => s.status === "error") ? "error" : "done");
      } else if (elapsed(o) > openLimitMs) finish(o, "error", "no result after 5 minutes");
    }
  });
  return {
    changes: (project) => [...(history.get(project) ?? [])].reverse(),
    stop: unsubscribe,
  };
};
