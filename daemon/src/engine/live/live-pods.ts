/** The pods of a service the live loop works on, read from what the watch sees (ProjectState.objects). */
import { bindContainerName } from "../../translate/bind-mounts.js";
import type { ServiceLive } from "../../translate/types.js";
import { runsService, sidecarHost } from "../service-pods.js";
import type { ProjectState } from "../state.js";

/** Pods of a service waiting in their devloop-bind init container for the bind-mounted source. */
export const bindingPods = (project: ProjectState, live: ServiceLive): string[] =>
  live.binds === undefined
    ? []
    : Object.values(project.objects)
        .filter((o) => o.kind === "Pod" && runsService(o.labels, live.service) && o.pod !== undefined && !o.pod.deleting && (o.pod.initRunning ?? []).includes(live.bindContainer ?? bindContainerName))
        .map((o) => o.name)
        .sort();

/**
 * Pods of a service about to start their devloop-bind container (scheduled, every init container before it done) but
 * not reported running it yet: the bind fill may start there as soon as an exec gets in (engine/live/bind-fill.ts).
 */
export const startingBindPods = (project: ProjectState, live: ServiceLive): string[] =>
  live.binds === undefined
    ? []
    : Object.values(project.objects)
        .filter((o) => o.kind === "Pod" && runsService(o.labels, live.service) && o.pod !== undefined && !o.pod.deleting && o.pod.initNext === (live.bindContainer ?? bindContainerName))
        .map((o) => o.name)
        .sort();

/** The service whose pods run `service`: its host for a sidecar, else itself. */
export const podOwner = (project: ProjectState, service: string): string => sidecarHost(project.loaded?.manifests ?? [], service) ?? service;

/** Running pods of a service that have its app container. */
export const runningPods = (project: ProjectState, live: ServiceLive): string[] =>
  Object.values(project.objects)
    .filter((o) => o.kind === "Pod" && runsService(o.labels, live.service) && o.pod !== undefined && o.pod.phase === "Running" && !o.pod.deleting && o.pod.containers.includes(live.container))
    .map((o) => o.name)
    .sort();
