/**
 * The pods of a service the live loop works on, read from what the watch sees (ProjectState.objects): the service's
 * own pods (or, for a sidecar, its host's), and for its directory binds also its `devloop run` pods (label
 * devloop.dev/run=<service>, cli/src/one-off-pod.ts), which share the binds as containers of `docker compose run` do:
 * their tree is put the same way, edits reach them, what they write comes back, through their devloop-run-binds
 * container (translate/bind-mounts.ts), which outlives the command until the daemon has looked at the binds a last
 * time. A run pod gets nothing else (no develop.watch rule, compiled artifact, restart or exec: `docker compose run`
 * runs none).
 */
import { bindContainerName, runBindsContainerName } from "../../translate/bind-mounts.js";
import { Labels, toLabelValue } from "../../translate/labels.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import type { ObservedObject } from "../../ports/cluster.js";
import { isRunPod, runsService, sidecarHost } from "../service-pods.js";
import type { ProjectState } from "../state.js";

type Pod = ObservedObject & { readonly pod: NonNullable<ObservedObject["pod"]> };

/** The pod of that name, as the watch sees it, is a `devloop run` pod. */
export const isRunPodNamed = (project: ProjectState, pod: string): boolean => isRunPod(project.objects[`Pod/${pod}`]?.labels ?? {});

/** A `devloop run` pod of this service that shares its binds (a service without binds has none to share). */
const runOf = (labels: Readonly<Record<string, string>>, live: ServiceLive): boolean =>
  live.binds !== undefined && live.binds.length > 0 && labels[Labels.run] === toLabelValue(live.service);

/** Pods not being deleted whose labels pass. */
const podsWhere = (project: ProjectState, labelled: (labels: Readonly<Record<string, string>>) => boolean): Pod[] =>
  Object.values(project.objects).filter((o): o is Pod => o.kind === "Pod" && o.pod !== undefined && !o.pod.deleting && labelled(o.labels));

/** Pods of the service (own or joined) and, with `runs`, its run pods. */
const podsOf = (project: ProjectState, live: ServiceLive, runs: boolean): Pod[] =>
  podsWhere(project, (labels) => runsService(labels, live.service) || (runs && runOf(labels, live)));

const names = (pods: readonly Pod[]): string[] => pods.map((o) => o.name).sort();

/** The app container waits for the fill itself (engine/bind-wait.ts), rather than the pod in devloop-bind. */
const waitsInApp = (o: Pod, live: ServiceLive): boolean => (o.pod.bindWaits ?? []).includes(live.container);

/**
 * The container of the pod the bind fill goes into: the app container when it waits for it itself, else the
 * devloop-bind init container (the service's, or a sidecar's renamed one).
 */
export const bindFillContainer = (project: ProjectState, live: ServiceLive, pod: string): string => {
  const o = project.objects[`Pod/${pod}`];
  return o?.pod !== undefined && waitsInApp(o as Pod, live) ? live.container : live.bindContainer ?? bindContainerName;
};

/**
 * Pods of a service (its run pods too) waiting for the bind-mounted source: in their devloop-bind init container, or
 * with the app container running and waiting itself.
 */
export const bindingPods = (project: ProjectState, live: ServiceLive): string[] =>
  live.binds === undefined
    ? []
    : names(podsOf(project, live, true).filter((o) => (o.pod.initRunning ?? []).includes(live.bindContainer ?? bindContainerName) || (o.pod.bindWaiting ?? []).includes(live.container)));

/**
 * Pods of a service (its run pods too) about to start the container the fill goes into (scheduled, every init
 * container before it done) but not reported running it yet: the bind fill may start there as soon as an exec gets
 * in (engine/live/bind-fill.ts).
 */
export const startingBindPods = (project: ProjectState, live: ServiceLive): string[] =>
  live.binds === undefined
    ? []
    : names(podsOf(project, live, true).filter((o) => o.pod.initNext === (live.bindContainer ?? bindContainerName) || (o.pod.bindNext ?? []).includes(live.container)));

/** The service whose pods run `service`: its host for a sidecar, else itself. */
export const podOwner = (project: ProjectState, service: string): string => sidecarHost(project.loaded?.manifests ?? [], service) ?? service;

/**
 * Pods whose app container waited for its bind fill (engine/bind-wait.ts), has started (its startupProbe passed) and
 * is not ready yet: the kubelet may mark it ready only on its next sync, up to a minute later, without a pod update.
 */
export const startedUnreadyBindPods = (project: ProjectState, live: ServiceLive): string[] =>
  live.binds === undefined
    ? []
    : names(podsOf(project, live, false).filter((o) => waitsInApp(o, live) && running(o, live) && o.pod.running === true && !o.pod.ready));

/** Running with the app container, which does not wait for its bind fill (that is bindingPods' / startingBindPods'). */
const running = (o: Pod, live: ServiceLive): boolean =>
  o.pod.phase === "Running" && o.pod.containers.includes(live.container) && !(o.pod.bindWaiting ?? []).includes(live.container) && !(o.pod.bindNext ?? []).includes(live.container);

/** Running pods of a service that have its app container (not its run pods: restarts, execs and watch rules go here). */
export const runningPods = (project: ProjectState, live: ServiceLive): string[] => names(podsOf(project, live, false).filter((o) => running(o, live)));

/** Running `devloop run` pods of a service with binds (their command may have ended: runEnded's last look is to come). */
export const runningRunPods = (project: ProjectState, live: ServiceLive): string[] =>
  names(podsWhere(project, (labels) => runOf(labels, live)).filter((o) => running(o, live)));

/** The run pod's command (the service's container) has ended. */
const commandEnded = (o: Pod, live: ServiceLive): boolean => o.pod.lastExit?.container === live.container && o.pod.lastExit.now;

/** Running `devloop run` pods of a service whose command still runs: edits and the periodic pulls go there. */
const liveRunPods = (project: ProjectState, live: ServiceLive): string[] =>
  names(podsWhere(project, (labels) => runOf(labels, live)).filter((o) => running(o, live) && !commandEnded(o, live)));

/** The container the live loop syncs a pod's binds through: devloop-run-binds in a run pod that has it, else none. */
export const runBindsTarget = (project: ProjectState, pod: string): string | undefined => {
  const o = project.objects[`Pod/${pod}`];
  return o !== undefined && isRunPod(o.labels) && o.pod?.containers.includes(runBindsContainerName) === true ? runBindsContainerName : undefined;
};

/**
 * Run pods of a service whose command has ended while their devloop-run-binds container still runs: the binds get a
 * last look (pull-back.ts runEnded), then that container may end.
 */
export const endedRunPods = (project: ProjectState, live: ServiceLive): string[] =>
  names(podsWhere(project, (labels) => runOf(labels, live)).filter((o) => o.pod.phase === "Running" && o.pod.containers.includes(runBindsContainerName) && commandEnded(o, live)));

/** The pods a rule syncs into: the service's running pods, and for a directory bind's rule its run pods still running their command. */
export const rulePods = (project: ProjectState, live: ServiceLive, rule: LiveRule): string[] =>
  live.binds?.includes(rule.id) === true ? [...runningPods(project, live), ...liveRunPods(project, live)] : runningPods(project, live);

/** The rules a pod gets: every rule for the service's own pods, the bind rules for a run pod. */
export const podRules = (project: ProjectState, live: ServiceLive, pod: string): readonly LiveRule[] =>
  isRunPodNamed(project, pod) ? live.rules.filter((r) => live.binds?.includes(r.id) === true) : live.rules;
