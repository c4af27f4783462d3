/**
 * Types shared by the daemon's HTTP API, the CLI and the dashboard. Plain JSON, no classes.
 * GET /api/state → StateSnapshot; GET /api/events (SSE) → PublicEvent, `id:` = seq.
 */
import type { LoadOptions } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";

export type DiagnosticJson = Diagnostic;

/** "building": the service's image (compose build:) is being built; its workload is applied after. */
export type ServicePhase = "pending" | "building" | "waiting" | "blocked" | "applying" | "starting" | "ready" | "completed" | "failed";

export interface PublicPortForward {
  readonly service: string;
  /** The local port (127.0.0.1 or the compose host_ip); for an ephemeral forward the free port devloop picked, 0 until it listens. */
  readonly local: number;
  readonly remote: number;
  readonly status: "pending" | "active" | "failed";
  readonly message?: string;
  /** Compose gave no host port (`ports: ["80"]`), so the local port is a free one, picked as Docker picks one. */
  readonly ephemeral?: true;
}

/** The last image build of a service with build:. */
export interface PublicBuild {
  readonly status: "queued" | "building" | "built" | "failed";
  /** The expected image name in the compose project (e.g. "shop-web:devloop"). */
  readonly image: string;
  /** The built reference the workload runs (content-hash tag), once built. */
  readonly ref?: string;
  /** True when the inputs were unchanged and nothing was built. */
  readonly skipped?: boolean;
  readonly ms?: number;
  readonly error?: string;
  /** Last lines of a failed build's output. */
  readonly tail: readonly string[];
  /** The built image's ENTRYPOINT and CMD: a supervised service runs them under the supervisor (render --as-applied). */
  readonly command?: { readonly entrypoint: readonly string[]; readonly cmd: readonly string[] };
  /** While it builds: the Dockerfile step it is at ("3/7"), its name, cached or running, and its last output line. */
  readonly progress?: PublicBuildProgress;
}

export interface PublicBuildProgress {
  readonly step?: string;
  readonly name: string;
  readonly state: "running" | "cached" | "done" | "error";
  readonly last?: string;
}

export interface PublicService {
  readonly name: string;
  readonly kind?: string;
  readonly phase: ServicePhase;
  readonly message?: string;
  readonly waitingFor: readonly string[];
  readonly pods: readonly string[];
  readonly restarts: number;
  readonly ports: readonly PublicPortForward[];
  /** Only for services with build:. */
  readonly build?: PublicBuild;
  /** Doctor findings (`devloop doctor`) for this service; absent = none. Locations only, never source lines. */
  readonly findings?: readonly PublicFinding[];
  /** Why the service is failed, when a pod is to blame (phase "failed"): its exit, log tail and events. */
  readonly failure?: PublicFailure;
}

/**
 * A failed service's pod: a container that exited, crash-loops or was OOMKilled, or one that cannot start
 * (ImagePullBackOff…). The log tail and events are read once per crash; `reported` is false until they are.
 */
export interface PublicFailure {
  readonly pod: string;
  readonly container: string;
  /** The container's termination reason ("Error", "OOMKilled", "Completed"), else the pod's waiting reason ("ImagePullBackOff"). */
  readonly reason: string;
  /** The waiting state the container is in now, when that is another word: "CrashLoopBackOff". */
  readonly waiting?: string;
  readonly exitCode?: number;
  readonly message?: string;
  readonly restarts: number;
  readonly reported: boolean;
  /** The crashed run's last log lines (at most 20). */
  readonly logTail: readonly string[];
  /** The pod's events, oldest first: "BackOff: Back-off restarting failed container". */
  readonly events: readonly string[];
}

export interface PublicFinding {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly fix: string;
}

export type PublicProjectStatus = "loading" | "active" | "invalid" | "stopping";

export interface PublicProject {
  readonly name: string;
  readonly namespace?: string;
  /** The kube context the project runs under (the one its `up` was made with). */
  readonly context?: string;
  readonly status: PublicProjectStatus;
  readonly composeFiles: readonly string[];
  readonly diagnostics: readonly DiagnosticJson[];
  readonly warnings: readonly DiagnosticJson[];
  readonly previousNamespaces: readonly string[];
  readonly services: readonly PublicService[];
  /** True once every service is ready (or completed, for one-shot jobs). */
  readonly settled: boolean;
  /**
   * True while the last request or compose edit is not loaded yet: phases, `settled` and failures still describe the
   * version before it (`up --detach` waits for this to clear before it judges).
   */
  readonly reloading?: boolean;
  /** The live loop's last changes, newest last: file event → compile → sync → restart, ms per step. */
  readonly changes: readonly PublicChange[];
  /** How the project's built images reach its cluster, as last decided (per up and compose reload, under its own context). */
  readonly delivery?: PublicDelivery;
}

/** build/image-delivery.ts's decision for a project, as `status` and the dashboard show it. */
export interface PublicDelivery {
  /** docker: the cluster runs on this Docker engine; kind: loaded into the kind nodes; registry: pushed, pulled by the nodes. */
  readonly strategy?: "docker" | "kind" | "registry";
  readonly registry?: string;
  readonly reason?: string;
  /** No way to deliver: why, and what to set. */
  readonly error?: string;
  /** How compiled artifacts reach the pods (docker: the engine's archive API when the pod runs here; exec). */
  readonly artifacts?: "docker" | "exec";
  readonly note?: string;
}

/** One step of a change's trace, in the order it ran. */
export interface PublicChangeStep {
  /** wait: first file event → batch closed; compile; sync (all pods); exec (sync+exec command); restart; rebuild (queued). */
  readonly step: "wait" | "compile" | "sync" | "exec" | "restart" | "rebuild";
  readonly ms: number;
  readonly detail?: string;
}

/**
 * What one change did through the live loop, end to end (engine/controllers/sync-controller.ts). The engine keeps
 * these as its SyncTrace, per project, newest last; the API shows them as they are.
 */
export interface PublicChange {
  readonly id: number;
  readonly service: string;
  /** change: a watched file batch; pod: a pod devloop had not synced; resync / restart: a request from the CLI or dashboard. */
  readonly trigger: "change" | "pod" | "resync" | "restart";
  /** The develop.watch rule id, "<service>:compile", or absent for whole-service work. */
  readonly rule?: string;
  readonly action: string;
  /** Files put or deleted (the first few), or a compile's changed sources, and how many in all. */
  readonly files: readonly string[];
  readonly fileCount: number;
  readonly pods: readonly string[];
  /** When the first event of the change happened (clock ms). */
  readonly at: number;
  readonly steps: readonly PublicChangeStep[];
  readonly totalMs: number;
  readonly status: "ok" | "failed";
  /** Why it failed (a compile error's first line, an exec failure…); the full output goes to the service's log. */
  readonly error?: string;
  /** Paths confinement refused, each with its reason. */
  readonly refused?: readonly string[];
}

export interface PublicCluster {
  readonly reachable: boolean;
  readonly message?: string;
  readonly since: number;
}

export interface StateSnapshot {
  /** Seq of the last event folded into this snapshot: subscribe with ?since=seq. */
  readonly seq: number;
  readonly daemon: { readonly pid: number; readonly startedAt: number; readonly version: string };
  readonly cluster: PublicCluster;
  readonly projects: readonly PublicProject[];
}

export type PublicEventBody =
  | { readonly type: "project"; readonly project: PublicProject }
  | { readonly type: "projectRemoved"; readonly project: string }
  | { readonly type: "cluster"; readonly cluster: PublicCluster }
  | { readonly type: "log"; readonly source: string; readonly level: "debug" | "info" | "warn" | "error"; readonly line: string; readonly project?: string; readonly service?: string }
  | { readonly type: "fact"; readonly project: string; readonly fact: ProjectFact }
  | { readonly type: "progress"; readonly project: string; readonly progress: ProjectProgress };

/**
 * What happened to a project, step by step, in the order it happened (engine/project-facts.ts): the dashboard's
 * timeline (engine/timeline.ts) is reduced from these and the progress events alone. `generation` is the project's
 * load generation the fact belongs to.
 */
export type ProjectFact =
  /** A reload was asked for (up, a namespace or profile switch, a compose edit, a rebuild); `loaded`: it came loaded (an up). */
  | { readonly kind: "reloadRequested"; readonly reason: string; readonly generation: number; readonly loaded?: { readonly services: number } }
  | { readonly kind: "downRequested"; readonly generation: number }
  | { readonly kind: "loaded"; readonly generation: number; readonly services: number }
  | { readonly kind: "invalid"; readonly generation: number; readonly diagnostics: number }
  | { readonly kind: "applyStarted"; readonly unit: string }
  | { readonly kind: "applyFinished"; readonly unit: string; readonly error?: string }
  | { readonly kind: "buildStarted"; readonly generation: number; readonly service: string }
  | { readonly kind: "buildFinished"; readonly generation: number; readonly service: string; readonly ok: boolean; readonly detail?: string }
  /** One change through the live loop, its files named from the project's directory. */
  | { readonly kind: "synced"; readonly change: Omit<PublicChange, "id"> }
  /**
   * A restart or resync of a project without live rules (with live rules the live loop answers with `synced`):
   * `ready` are the targeted services that were ready, with the pods they ran, when it was asked for.
   */
  | { readonly kind: "plainLiveRequested"; readonly id: number; readonly action: "restart" | "resync"; readonly service?: string; readonly targets: readonly string[]; readonly ready: Readonly<Record<string, readonly string[]>> }
  | { readonly kind: "liveRequestHandled"; readonly id: number };

/** Where a project's rollout stands, published after each batch that changed it or told a fact of it. */
export interface ProjectProgress {
  readonly generation: number;
  readonly status: PublicProjectStatus;
  /** A unit is being applied, or waits to be (not applied and not failed). */
  readonly applying: boolean;
  /** An image build is queued or running. */
  readonly building: boolean;
  readonly services: Readonly<Record<string, ServiceProgress>>;
}

export interface ServiceProgress {
  readonly phase: ServicePhase;
  readonly message?: string;
  readonly pods: readonly string[];
  /** The service's pods that are not being deleted, and whether each is ready. */
  readonly livePods: Readonly<Record<string, boolean>>;
}

export type PublicEvent = PublicEventBody & { readonly seq: number; readonly time: number };

/** POST /api/projects: `devloop up`. */
export interface UpRequest {
  readonly options: LoadOptions;
  readonly namespace?: string;
  readonly context?: string;
  /** `up --allow-context NAME`: contexts allowed beyond the local clusters, for this call. */
  readonly allowContexts?: readonly string[];
  /** Isolation defaults (NetworkPolicy, LimitRange, ResourceQuota); default true. */
  readonly isolation?: boolean;
  /** `up --image-delivery`: auto, registry, engine or kind, before the environment and x-devloop.image_delivery. */
  readonly imageDelivery?: string;
  /** `up --registry`: before DEVLOOP_REGISTRY and x-devloop.registry. */
  readonly registry?: string;
}

export type UpResponse =
  | { readonly ok: true; readonly project: string; readonly namespace: string; readonly warnings: readonly DiagnosticJson[] }
  | { readonly ok: false; readonly diagnostics: readonly DiagnosticJson[] };

/** POST /api/projects/:name/down */
export interface DownRequest {
  readonly namespace?: string;
  readonly volumes?: boolean;
}

/** POST /api/projects/:name/restart | resync | rebuild, body {service?} (`devloop restart|resync|rebuild`, the dashboard's controls). */
export type LiveActionKind = "restart" | "resync" | "rebuild";

/** The 202 answer: what was asked; the outcome shows up as changes (PublicProject.changes, the dashboard timeline). */
export interface LiveActionResponse {
  readonly ok: true;
  readonly project: string;
  readonly action: LiveActionKind;
  readonly service?: string;
  /** The services it applies to (resync: only those with live rules). */
  readonly services: readonly string[];
  /** Something worth telling: "db has no develop.watch or compile rules: nothing to resync there". */
  readonly note?: string;
}

/**
 * Errors from the API: a message for humans, a stable code for machines. What the API answers a refused request with
 * (server/api-error.ts): the error in the diagnostic shape.
 */
export interface ApiError {
  readonly error: {
    /** DL-API-* (docs/errors.md). */
    readonly code: string;
    /** The code's short name ("unknown-project"). */
    readonly reason: string;
    readonly message: string;
    readonly hint?: string;
  };
}

export interface NamespaceInfo {
  readonly name: string;
  readonly project?: string;
  readonly active: boolean;
  /** The day-to-day rights devloop lacks there (SelfSubjectAccessReview); empty or absent = usable. */
  readonly missing?: readonly string[];
}

/**
 * Request headers the CLI sends with every call, so the daemon serves it under the caller's kube target and
 * allowances, not its own environment's: its KUBECONFIG path list, --context, DEVLOOP_ALLOWED_CONTEXTS (URI-encoded).
 */
export const kubeHeaders = { kubeconfig: "x-devloop-kubeconfig", context: "x-devloop-context", allowedContexts: "x-devloop-allowed-contexts" } as const;
