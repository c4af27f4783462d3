/**
 * What the public event log says of each project's changes, from one reduced batch (its actions, the state before
 * and after): a `fact` event per action worth telling, in the actions' order, then a `progress` event per project
 * the batch told a fact of or whose rollout moved (api/types.ts ProjectFact, ProjectProgress). The dashboard's
 * timeline (timeline.ts) is reduced from these alone. The facts name files as people see them, from the project's
 * directory; nothing here keeps state but the last progress sent per project, so an unchanged one is not sent again.
 */
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { ProjectFact, ProjectProgress, PublicChange, PublicEventBody, ServiceProgress } from "../api/types.js";
import type { Action } from "./actions.js";
import { isApplied, type ServiceView } from "./selectors.js";
import { runsService } from "./service-pods.js";
import type { EngineState, ProjectState } from "./state.js";

const firstLine = (text: string): string => text.split("\n").find((l) => l.trim() !== "")?.trim() ?? text;

/**
 * Trace files are relative to their rule's root (the develop.watch path); the dashboard names them from the
 * project's directory (the first compose file's), as the user sees them in the editor: "example/web/src/message.js".
 */
const projectRelative = (project: ProjectState | undefined, trace: Omit<PublicChange, "id">): Omit<PublicChange, "id"> => {
  const live = project?.loaded?.live?.[trace.service];
  const root = trace.action === "compile" ? live?.compile?.source : live?.rules.find((r) => r.id === trace.rule)?.localRoot;
  const compose = project?.loaded?.composeFiles[0];
  if (root === undefined || compose === undefined) return trace;
  const dir = dirname(compose);
  const display = (file: string): string => {
    const rel = relative(dir, resolve(dir, root, file));
    return rel.startsWith("..") || isAbsolute(rel) ? file : rel.split(sep).join("/");
  };
  return { ...trace, files: trace.files.map(display) };
};

/** Why a reload was asked for: "up", "namespace → dev-2", "profiles → debug". */
const requestReason = (before: ProjectState | undefined, request: Extract<Action, { type: "projectRequested" }>["request"]): string => {
  if (!before) return "up";
  const ns = request.namespace;
  if (ns !== undefined && ns !== (before.loaded?.namespace ?? before.request.namespace)) return `namespace → ${ns}`;
  const profiles = request.options.profiles;
  return profiles.join(",") !== before.request.options.profiles.join(",") ? `profiles → ${profiles.join(", ") || "(none)"}` : "up";
};

/** The facts one action tells of its project (none for most). `freshRequest` hands out the batch's new live request ids. */
const factsOf = (a: Action, previous: EngineState, next: EngineState, freshRequest: (project: ProjectState) => number | undefined, views: (project: ProjectState) => Readonly<Record<string, ServiceView>>): readonly ProjectFact[] => {
  switch (a.type) {
    case "projectRequested":
    case "upAccepted": {
      const project = next.projects[a.request.name];
      if (!project) return [];
      const loaded = a.type === "upAccepted" && project.loaded !== undefined && project.loadedGeneration === project.generation ? { loaded: { services: project.loaded.services.length } } : {};
      return [{ kind: "reloadRequested", reason: requestReason(previous.projects[a.request.name], a.request), generation: project.generation, ...loaded }];
    }
    case "composeChanged": {
      const project = next.projects[a.project];
      return project ? [{ kind: "reloadRequested", reason: `${a.files.map((f) => basename(f)).join(", ")} changed`, generation: project.generation }] : [];
    }
    case "rebuildRequested": {
      const project = next.projects[a.project];
      if (!project || project.status === "stopping") return [];
      return [{ kind: "reloadRequested", reason: a.service === undefined ? "rebuild requested" : `rebuild requested (${a.service})`, generation: project.generation }];
    }
    case "downRequested":
      return [{ kind: "downRequested", generation: next.projects[a.project]?.generation ?? 0 }];
    case "projectLoaded":
      return [{ kind: "loaded", generation: a.generation, services: a.loaded.services.length }];
    case "projectInvalid":
      return [{ kind: "invalid", generation: a.generation, diagnostics: a.diagnostics.length }];
    case "applyStarted":
      return [{ kind: "applyStarted", unit: a.unit }];
    case "applyFinished":
      return [{ kind: "applyFinished", unit: a.unit, ...(a.error === undefined ? {} : { error: a.error }) }];
    case "buildStarted":
      return [{ kind: "buildStarted", generation: a.generation, service: a.service }];
    case "buildFinished": {
      const detail = a.error !== undefined ? firstLine(a.error) : a.skipped === true ? "up to date" : a.image;
      return [{ kind: "buildFinished", generation: a.generation, service: a.service, ok: a.error === undefined, ...(detail === undefined ? {} : { detail }) }];
    }
    case "syncTraced":
      return [{ kind: "synced", change: projectRelative(next.projects[a.project], a.trace) }];
    case "liveRequested": {
      // With live rules the live loop answers with traces (synced); without, a restart replaces the pods.
      const project = next.projects[a.project];
      if (!project?.loaded || Object.keys(project.loaded.live ?? {}).length > 0) return [];
      const id = freshRequest(project);
      if (id === undefined) return [];
      const targets = a.service === undefined ? project.loaded.services : [a.service];
      const v = a.kind === "restart" ? views(project) : {};
      const ready = Object.fromEntries(targets.flatMap((svc) => (v[svc]?.phase === "ready" ? [[svc, v[svc].pods] as const] : [])));
      return [{ kind: "plainLiveRequested", id, action: a.kind, ...(a.service === undefined ? {} : { service: a.service }), targets, ready }];
    }
    case "liveRequestHandled":
      return [{ kind: "liveRequestHandled", id: a.id }];
    default:
      return [];
  }
};

/** Where the project's rollout stands (its service views handed in, computed once per batch). */
export const projectProgress = (project: ProjectState, views: Readonly<Record<string, ServiceView>>): ProjectProgress => {
  const pods = Object.values(project.objects).filter((o) => o.kind === "Pod" && o.pod !== undefined && !o.pod.deleting);
  const services = Object.fromEntries(
    Object.entries(views).map(([name, v]): [string, ServiceProgress] => [
      name,
      {
        phase: v.phase,
        ...(v.message === undefined ? {} : { message: v.message }),
        pods: v.pods,
        livePods: Object.fromEntries(pods.filter((o) => runsService(o.labels, name)).map((o) => [o.name, o.pod?.ready === true])),
      },
    ]),
  );
  return {
    generation: project.generation,
    status: project.status,
    applying: Object.values(project.units).some((u) => u.applyingHash !== undefined || (!isApplied(u) && u.error === undefined)),
    building: Object.values(project.builds ?? {}).some((b) => b.status === "queued" || b.status === "building"),
    services,
  };
};

/**
 * The fact and progress events of one batch. `views` gives a project's service views (the event differ computes
 * them once per changed project for its own project event as well).
 */
export const createProjectFacts = () => {
  const lastProgress = new Map<string, string>();
  return (previous: EngineState, next: EngineState, actions: readonly Action[], views: (project: ProjectState) => Readonly<Record<string, ServiceView>>): PublicEventBody[] => {
    const out: PublicEventBody[] = [];
    const told = new Set<string>();
    // The live requests each project got in this batch, in order (the reducer numbers them).
    const fresh = new Map<string, number[]>();
    const freshRequest = (project: ProjectState): number | undefined => {
      if (!fresh.has(project.name)) {
        const before = new Set((previous.projects[project.name]?.liveRequests ?? []).map((r) => r.id));
        fresh.set(project.name, (project.liveRequests ?? []).map((r) => r.id).filter((id) => !before.has(id)));
      }
      return fresh.get(project.name)?.shift();
    };
    for (const a of actions) {
      const project = "project" in a && typeof a.project === "string" ? a.project : a.type === "projectRequested" || a.type === "upAccepted" ? a.request.name : undefined;
      if (project === undefined) continue;
      for (const fact of factsOf(a, previous, next, freshRequest, views)) {
        out.push({ type: "fact", project, fact });
        told.add(project);
      }
    }
    for (const [name, project] of Object.entries(next.projects)) {
      if (previous.projects[name] === project && !told.has(name)) continue;
      const progress = projectProgress(project, views(project));
      const json = JSON.stringify(progress);
      if (lastProgress.get(name) === json && !told.has(name)) continue;
      lastProgress.set(name, json);
      out.push({ type: "progress", project: name, progress });
    }
    for (const name of [...lastProgress.keys()]) if (!next.projects[name]) lastProgress.delete(name);
    return out;
  };
};
