/** (state, action) → state. Pure: never awaits, never reads the clock (times come in the actions). */
import type { ObservedObject } from "../ports/cluster.js";
import type { Action } from "./actions.js";
import { builtUnitHash, sidecarBuiltRefs } from "./built-image.js";
import { sidecarHost } from "./service-pods.js";
import type { BuildState, EngineState, ProjectState, UnitState } from "./state.js";
import { maxTraces, namespaceUnit, portForwardKey } from "./state.js";

/** Backoff after a failed apply: 1s, 2s, 4s … capped at 30s. */
export const applyBackoffMs = (failures: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));

const updateProject = (state: EngineState, name: string, fn: (p: ProjectState) => ProjectState | undefined): EngineState => {
  const project = state.projects[name];
  if (!project) return state;
  const next = fn(project);
  const projects = { ...state.projects };
  if (next) projects[name] = next;
  else delete projects[name];
  return { ...state, projects };
};

const updateUnit = (project: ProjectState, unit: string, fn: (u: UnitState) => UnitState): ProjectState => {
  const current = project.units[unit] ?? { name: unit, failures: 0 };
  return { ...project, units: { ...project.units, [unit]: fn(current) } };
};

const newProject = (action: Extract<Action, { type: "projectRequested" }>): ProjectState => ({
  name: action.request.name,
  request: action.request,
  status: "loading",
  generation: 1,
  diagnostics: [],
  units: {},
  prune: [],
  objects: {},
  previousNamespaces: [],
  portForwards: {},
});

const loaded = (project: ProjectState, action: Extract<Action, { type: "projectLoaded" }>): ProjectState => {
  if (action.generation !== project.generation || project.status === "stopping") return project;
  const previous = project.loaded;
  const switched = previous !== undefined && previous.namespace !== action.loaded.namespace;
  const wanted = new Set([namespaceUnit, ...action.loaded.services]);
  // Every load asks for a build of each build: service (the builder skips unchanged inputs by content tag); the last
  // built ref stays in the desired hash meanwhile, so a reload that changes nothing applies nothing.
  const builds: Record<string, BuildState> = {};
  for (const [service, request] of Object.entries(action.loaded.buildRequests ?? {})) {
    const baseHash = action.hashes[service];
    if (baseHash === undefined) continue;
    const old = project.builds?.[service];
    builds[service] = { ...(old ?? { service, tail: [] }), image: request.image, baseHash, wanted: action.generation, status: "queued" };
  }
  const units: Record<string, UnitState> = {};
  for (const [name, base] of Object.entries(action.hashes)) {
    const hash = builtUnitHash(base, builds[name]?.ref, sidecarBuiltRefs(action.loaded.manifests, name, builds));
    const old = switched ? undefined : project.units[name];
    if (old && old.desiredHash === hash) {
      units[name] = old.baseHash === base ? old : { ...old, baseHash: base };
      continue;
    }
    // New input: a previous failure's backoff no longer applies.
    units[name] = { name, failures: 0, ...(old?.appliedHash === undefined ? {} : { appliedHash: old.appliedHash }), ...(old?.applyingHash === undefined ? {} : { applyingHash: old.applyingHash }), desiredHash: hash, baseHash: base };
  }
  // Services that were applied (or are being applied) and are no longer wanted get pruned, unless we moved namespace.
  const removed = switched
    ? []
    : [...Object.keys(project.units), ...project.prune].filter((s) => !wanted.has(s));
  return {
    ...project,
    status: "active",
    loadedGeneration: action.generation,
    loaded: action.loaded,
    diagnostics: [],
    units,
    prune: [...new Set(removed)],
    objects: switched ? {} : project.objects,
    portForwards: switched ? {} : project.portForwards,
    previousNamespaces: switched
      ? [...new Set([...project.previousNamespaces, previous.namespace])].filter((n) => n !== action.loaded.namespace)
      : project.previousNamespaces,
    builds,
  };
};

const updateBuild = (project: ProjectState, service: string, fn: (b: BuildState) => BuildState): ProjectState => {
  const build = project.builds?.[service];
  return build ? { ...project, builds: { ...project.builds, [service]: fn(build) } } : project;
};

const buildFinished = (project: ProjectState, action: Extract<Action, { type: "buildFinished" }>): ProjectState => {
  const build = project.builds?.[action.service];
  if (!build) return project;
  const { building: _b, progress: _p, ...rest } = build;
  // A newer load asked for another build meanwhile: this result is stale, the queued build runs next.
  if (action.generation !== build.wanted) return updateBuild(project, action.service, () => rest);
  const done = { ...rest, ms: action.ms, finishedAt: action.at };
  if (action.error !== undefined || action.image === undefined) {
    return updateBuild(project, action.service, () => ({ ...done, status: "failed", error: action.error ?? "the build gave no image", tail: action.tail ?? [] }));
  }
  const { error: _e, command: _c, ...ok } = done;
  const next = updateBuild(project, action.service, () => ({ ...ok, status: "built", ref: action.image, skipped: action.skipped === true, tail: [], ...(action.command === undefined ? {} : { command: action.command }) }));
  const manifests = project.loaded?.manifests ?? [];
  const rehash = (p: ProjectState, name: string, hash: string | undefined): ProjectState => {
    const unit = p.units[name];
    if (!unit || hash === undefined || unit.desiredHash === hash) return p;
    return updateUnit(p, name, (u) => {
      const { retryAt: _r, error: _x, ...kept } = u;
      return { ...kept, failures: 0, desiredHash: hash };
    });
  };
  const own = rehash(next, action.service, builtUnitHash(build.baseHash, action.image, sidecarBuiltRefs(manifests, action.service, next.builds)));
  // A sidecar's image runs in its host's pod: the host's unit takes the new reference too (apply → rollout).
  const host = sidecarHost(manifests, action.service);
  const hostBase = host === undefined ? undefined : own.units[host]?.baseHash;
  if (host === undefined || hostBase === undefined) return own;
  return rehash(own, host, builtUnitHash(hostBase, own.builds?.[host]?.ref, sidecarBuiltRefs(manifests, host, own.builds)));
};

/** Stable marks of pods that are gone are dropped (pod names are not reused, but the map must not grow). */
const stableKept = (stable: ProjectState["stablePods"], objects: Readonly<Record<string, ObservedObject>>): { stablePods?: Readonly<Record<string, number>> } => {
  if (stable === undefined) return {};
  const kept = Object.entries(stable).filter(([pod]) => objects[`Pod/${pod}`] !== undefined);
  return { stablePods: kept.length === Object.keys(stable).length ? stable : Object.fromEntries(kept) };
};

const requested = (state: EngineState, action: Extract<Action, { type: "projectRequested" }>): EngineState => {
  const existing = state.projects[action.request.name];
  const project: ProjectState = existing
    ? { ...existing, request: action.request, status: existing.loaded ? existing.status === "stopping" ? "loading" : existing.status : "loading", generation: existing.generation + 1, down: undefined }
    : newProject(action);
  return { ...state, projects: { ...state.projects, [project.name]: project } };
};

const withoutUp = (state: EngineState, id: string): EngineState => {
  if (state.ups?.[id] === undefined) return state;
  const { [id]: _gone, ...ups } = state.ups;
  return { ...state, ups };
};

export const reducer = (state: EngineState, action: Action): EngineState => {
  switch (action.type) {
    case "stateRestored": {
      const projects: Record<string, ProjectState> = {};
      for (const p of action.projects) {
        // A build the previous daemon ran is gone with it; the reload asks again.
        const builds = p.builds && Object.fromEntries(Object.entries(p.builds).map(([s, { building: _b, progress: _p, ...b }]) => [s, b.status === "building" ? { ...b, status: "queued" as const } : b]));
        // Pods are seen afresh by the new watch: their stable window starts again.
        projects[p.name] = { ...p, status: p.status === "stopping" ? "stopping" : "loading", generation: p.generation + 1, objects: {}, portForwards: {}, stablePods: {}, ...(builds ? { builds } : {}) };
      }
      return { ...state, projects };
    }
    case "projectRequested":
      return requested(state, action);
    case "upRequested":
      return { ...state, ups: { ...state.ups, [action.id]: { id: action.id, request: action.request } } };
    case "upLoaded": {
      const up = state.ups?.[action.id];
      if (!up) return state;
      return { ...state, ups: { ...state.ups, [action.id]: { ...up, result: action.result, ...(action.hashes === undefined ? {} : { hashes: action.hashes }) } } };
    }
    case "upAccepted": {
      const up = state.ups?.[action.id];
      const next = withoutUp(requested(state, { type: "projectRequested", request: action.request }), action.id);
      const project = next.projects[action.request.name];
      const result = up?.result;
      // The up's load is this generation's, unless it was made for another project or namespace (then the config controller loads).
      if (!project || !result?.ok || up?.hashes === undefined || result.project.name !== action.request.name) return next;
      if (action.request.namespace !== undefined && action.request.namespace !== result.project.namespace) return next;
      return updateProject(next, project.name, (p) => loaded(p, { type: "projectLoaded", project: p.name, generation: p.generation, loaded: result.project, hashes: up.hashes ?? {} }));
    }
    case "upDropped":
      return withoutUp(state, action.id);
    case "composeChanged":
      return updateProject(state, action.project, (p) => ({ ...p, generation: p.generation + 1 }));
    case "projectLoaded":
      return updateProject(state, action.project, (p) => loaded(p, action));
    case "projectInvalid":
      return updateProject(state, action.project, (p) =>
        action.generation === p.generation ? { ...p, status: p.loaded ? "active" : "invalid", loadedGeneration: action.generation, diagnostics: action.diagnostics } : p,
      );
    case "applyStarted":
      return updateProject(state, action.project, (p) => updateUnit(p, action.unit, (u) => ({ ...u, applyingHash: action.inputHash })));
    case "applyFinished":
      return updateProject(state, action.project, (p) =>
        updateUnit(p, action.unit, (u) => {
          const { applyingHash: _a, retryAt: _r, error: _e, ...rest } = u;
          if (action.error === undefined) return { ...rest, appliedHash: action.inputHash, failures: 0 };
          const failures = u.failures + 1;
          return { ...rest, error: action.error, failures, retryAt: action.at + applyBackoffMs(failures) };
        }),
      );
    case "buildStarted":
      return updateProject(state, action.project, (p) =>
        updateBuild(p, action.service, ({ progress: _p, ...b }) => (b.wanted === action.generation ? { ...b, status: "building", building: action.generation, startedAt: action.at } : { ...b, building: action.generation })),
      );
    case "buildProgressed":
      // Only the build in flight for the wanted load: a stale build's steps are not what up waits for.
      return updateProject(state, action.project, (p) => updateBuild(p, action.service, (b) => (b.building === action.generation && b.wanted === action.generation ? { ...b, progress: action.progress } : b)));
    case "buildFinished":
      return updateProject(state, action.project, (p) => buildFinished(p, action));
    case "deliveryDecided":
      // A decision for an older load than the one kept is stale.
      return updateProject(state, action.project, (p) => (action.delivery.generation < (p.delivery?.generation ?? 0) ? p : { ...p, delivery: action.delivery }));
    case "servicePruned":
      return updateProject(state, action.project, (p) => {
        if (action.error !== undefined) return p;
        const units = { ...p.units };
        if (!p.loaded?.services.includes(action.service)) delete units[action.service];
        const portForwards = Object.fromEntries(Object.entries(p.portForwards).filter(([, f]) => f.service !== action.service));
        return { ...p, units, portForwards, prune: p.prune.filter((s) => s !== action.service) };
      });
    case "objectsObserved":
      return updateProject(state, action.project, (p) => {
        if (p.loaded?.namespace !== action.namespace) return p;
        const event = action.event;
        let objects: Record<string, ObservedObject>;
        if (event.type === "sync") {
          objects = Object.fromEntries(event.objects.map((o) => [`${o.kind}/${o.name}`, o]));
        } else {
          const key = `${event.object.kind}/${event.object.name}`;
          objects = { ...p.objects };
          if (event.type === "delete") delete objects[key];
          else objects[key] = event.object;
        }
        return { ...p, objects, ...stableKept(p.stablePods, objects) };
      });
    case "clusterUnreachable":
      return state.cluster.reachable || state.cluster.message !== action.message
        ? { ...state, cluster: { reachable: false, message: action.message, since: state.cluster.reachable ? action.at : state.cluster.since } }
        : state;
    case "clusterReachable":
      return state.cluster.reachable ? state : { ...state, cluster: { reachable: true, since: action.at } };
    case "portForwardChanged":
      return updateProject(state, action.project, (p) => ({
        ...p,
        portForwards: {
          ...p.portForwards,
          [portForwardKey(action)]: { service: action.service, local: action.local, remote: action.remote, status: action.status, ...(action.message === undefined ? {} : { message: action.message }), ...(action.ephemeral === true ? { ephemeral: true as const } : {}) },
        },
        // The free port an ephemeral forward got, remembered (and persisted) for the next daemon.
        ...(action.ephemeral === true && action.status === "active" && action.local > 0 && p.ephemeralPorts?.[portForwardKey(action)] !== action.local
          ? { ephemeralPorts: { ...p.ephemeralPorts, [portForwardKey(action)]: action.local } }
          : {}),
      }));
    case "portForwardClosed":
      return updateProject(state, action.project, (p) => {
        const key = portForwardKey(action);
        // Only the forward this was (a new one on the same port may have been opened since).
        if (p.portForwards[key]?.service !== action.service || p.portForwards[key]?.remote !== action.remote) return p;
        const { [key]: _closed, ...portForwards } = p.portForwards;
        // An ephemeral forward no longer wanted: its port is not kept for it any more.
        if (action.ephemeral !== true || p.ephemeralPorts?.[key] === undefined) return { ...p, portForwards };
        const { [key]: _port, ...ephemeralPorts } = p.ephemeralPorts;
        return { ...p, portForwards, ephemeralPorts };
      });
    case "downRequested":
      return updateProject(state, action.project, (p) => ({ ...p, status: "stopping", down: { volumes: action.volumes }, generation: p.generation + 1 }));
    case "projectRemoved":
      return updateProject(state, action.project, () => undefined);
    case "namespaceReleased":
      return updateProject(state, action.project, (p) => ({ ...p, previousNamespaces: p.previousNamespaces.filter((n) => n !== action.namespace) }));
    case "syncTraced":
      return updateProject(state, action.project, (p) => {
        const traces = p.traces ?? [];
        const id = (traces[traces.length - 1]?.id ?? 0) + 1;
        return { ...p, traces: [...traces.slice(-(maxTraces - 1)), { ...action.trace, id }] };
      });
    case "liveRequested":
      return updateProject(state, action.project, (p) => {
        const requests = p.liveRequests ?? [];
        const id = Math.max(0, ...requests.map((r) => r.id), p.liveRequestSeq ?? 0) + 1;
        return { ...p, liveRequestSeq: id, liveRequests: [...requests, { id, kind: action.kind, at: action.at, ...(action.service === undefined ? {} : { service: action.service }) }] };
      });
    case "liveRequestHandled":
      return updateProject(state, action.project, (p) => ({ ...p, liveRequests: (p.liveRequests ?? []).filter((r) => r.id !== action.id) }));
    case "rebuildRequested":
      return updateProject(state, action.project, (p) => (p.status === "stopping" ? p : { ...p, generation: p.generation + 1 }));
    case "podStable":
      return updateProject(state, action.project, (p) => {
        const pod = p.objects[`Pod/${action.pod}`]?.pod;
        // Only if it is still the same run, still ready: a restart or a failed probe meanwhile starts the window again.
        if (pod?.restarts !== action.restarts || !pod.ready || pod.running === false || pod.deleting) return p;
        return { ...p, stablePods: { ...p.stablePods, [action.pod]: action.restarts } };
      });
    case "failureReported":
      return updateProject(state, action.project, (p) => ({ ...p, failures: { ...p.failures, [action.service]: action.report } }));
    case "log":
    case "tick":
      return state;
  }
};
