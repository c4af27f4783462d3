/**
 * The engine's whole state: plain, serialisable data. Only reducer.ts produces new states; controllers read
 * them through selectors.ts and report what happened as actions.
 */
import type { PublicChange, PublicChangeStep } from "../api/types.js";
import type { LoadOptions } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import type { ImageDelivery } from "../build/image-delivery.js";
import type { ObservedObject } from "../ports/cluster.js";
import type { TimelineState } from "./timeline.js";
import type { BuildStepProgress, ImageCommand } from "../ports/image-builder.js";
import type { LoadedProject, ProjectLoadRequest, ProjectLoadResult } from "../ports/project-loader.js";

/** The apply unit holding the namespace-wide objects (Namespace, isolation defaults, volumes, shared config). */
export const namespaceUnit = "(namespace)";

/** What `devloop up` asked for; persisted so a restarted daemon resumes the same loop. */
export interface ProjectRequest {
  readonly name: string;
  readonly options: LoadOptions;
  readonly namespace?: string;
  /** The kube context this project was requested under (pinned: resolved from the caller's kubeconfig then). */
  readonly context?: string;
  /** The caller's kubeconfig path list (KUBECONFIG) the context is read from; absent = the daemon's own. */
  readonly kubeconfig?: string;
  /** Isolation defaults (NetworkPolicy, LimitRange, ResourceQuota); opt-out. */
  readonly isolation: boolean;
  /** `up --image-delivery` / `--registry`: the first level of the project's delivery settings (engine/project-delivery.ts). */
  readonly delivery?: { readonly imageDelivery?: string; readonly registry?: string };
}

export interface UnitState {
  readonly name: string;
  /** Hash of the unit's manifests as last loaded (with built references mixed in: engine/built-image.ts). */
  readonly desiredHash?: string;
  /** The loaded manifests' hash before built references are mixed in (a sidecar's build changes its host's hash). */
  readonly baseHash?: string;
  /** Hash of what the cluster has, as last applied successfully. */
  readonly appliedHash?: string;
  /** Set while an apply of this hash runs. */
  readonly applyingHash?: string;
  readonly error?: string;
  /** Consecutive failed applies, for backoff. */
  readonly failures: number;
  /** Not before this time (ms since epoch) after a failure. */
  readonly retryAt?: number;
}

export interface PortForwardState {
  readonly service: string;
  /** The local port; for an ephemeral forward the one picked (0 until it is). */
  readonly local: number;
  readonly remote: number;
  readonly status: "pending" | "active" | "failed";
  readonly message?: string;
  /** Compose gave no host port (`ports: ["80"]`): devloop listens on a free local port, as Docker publishes one. */
  readonly ephemeral?: true;
}

/** Where a forward is kept in ProjectState.portForwards: its local port, or service/target for an ephemeral one (its port is not known before it listens). */
export const portForwardKey = (f: { readonly service: string; readonly local: number; readonly remote: number; readonly ephemeral?: boolean }): string =>
  f.ephemeral === true ? `${f.service}/0:${f.remote}` : String(f.local);

/** One service's image build (compose build:). See controllers/build-controller.ts. */
export interface BuildState {
  readonly service: string;
  /** The image name translate put in the manifests; the built ref replaces it at apply. */
  readonly image: string;
  /** The unit's hash before the built ref is mixed in (UnitState.desiredHash = builtUnitHash(baseHash, ref)). */
  readonly baseHash: string;
  /** Generation of the load that asked for the current build. */
  readonly wanted: number;
  /** queued: not started yet (another build of the service runs, or the project's 2 slots are busy). */
  readonly status: "queued" | "building" | "built" | "failed";
  /** Generation of the build in flight, if any. */
  readonly building?: number;
  /** The last successfully built reference (content-hash tag) the manifests run. */
  readonly ref?: string;
  /** The built image's ENTRYPOINT and CMD, to run under the supervisor (engine/built-image.ts). */
  readonly command?: ImageCommand;
  readonly skipped?: boolean;
  readonly ms?: number;
  readonly error?: string;
  /** Last lines of a failed build's output. */
  readonly tail: readonly string[];
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** While it builds: the step it is at ("3/7", "RUN npm ci", cached or running) and that step's last output line. */
  readonly progress?: BuildStepProgress;
}

/**
 * How this project's built images reach its cluster, decided for a load (controllers/build-controller.ts asks the
 * DeliveryPlanner under the project's own kube target; builds of that load wait for it).
 */
export interface DeliveryState {
  /** The generation it was decided for: builds wanted by this generation or an older one may use it. */
  readonly generation: number;
  /** The decision; absent when there is none (`error` says why: e.g. registry without a registry). */
  readonly delivery?: ImageDelivery;
  readonly error?: string;
  /** How compiled artifacts reach this project's pods: the Docker archive route (checked per pod) or exec. */
  readonly artifacts?: { readonly strategy: "docker" | "exec"; readonly reason: string };
  /** What the decision could not see (the nodes, when the identity may not list them), and where credentials came from. */
  readonly note?: string;
}

/** The logs and events read from a failed service's pod, for one crash (`key`: pod, restarts and reason). */
export interface FailureReport {
  readonly key: string;
  readonly pod: string;
  readonly container: string;
  /** The container's last log lines (the crashed run's), at most failureLogLines. */
  readonly logTail: readonly string[];
  /** The pod's events, oldest first ("BackOff: Back-off restarting failed container"). */
  readonly events: readonly string[];
  /** Why logs or events could not be read, if so. */
  readonly error?: string;
  readonly at: number;
}

/** Log lines kept per failure, like `docker compose up --wait`. */
export const failureLogLines = 20;

/** A change's trace and its steps: the API's own shape (api/types.ts), kept as they are shown. */
export type TraceStep = PublicChangeStep;
export type SyncTrace = PublicChange;

/** A restart or resync asked for by the CLI or the dashboard; the sync controller runs it and drops it. */
export interface LiveRequest {
  readonly id: number;
  readonly kind: "restart" | "resync";
  /** Absent: every live service of the project. */
  readonly service?: string;
  readonly at: number;
}

/** Traces kept per project. */
export const maxTraces = 50;

export type ProjectStatus = "loading" | "active" | "invalid" | "stopping";

export interface ProjectState {
  readonly name: string;
  readonly request: ProjectRequest;
  readonly status: ProjectStatus;
  /** Bumped by every request or compose edit; a load result for an older generation is dropped. */
  readonly generation: number;
  /** The generation the last load result (good or invalid) was for; below `generation` while a reload runs. */
  readonly loadedGeneration?: number;
  /** The last good load: an invalid edit keeps it running. */
  readonly loaded?: LoadedProject;
  /** Diagnostics of the last failed load (empty once a load succeeds). */
  readonly diagnostics: readonly Diagnostic[];
  readonly units: Readonly<Record<string, UnitState>>;
  /** Services removed from the project whose objects still have to be deleted. */
  readonly prune: readonly string[];
  /** What the watch sees in the current namespace, keyed "Kind/name". */
  readonly objects: Readonly<Record<string, ObservedObject>>;
  /** Namespaces the project used before a switch; left intact until `devloop down -n`. */
  readonly previousNamespaces: readonly string[];
  readonly portForwards: Readonly<Record<string, PortForwardState>>;
  /**
   * The local port each ephemeral forward (`ports: ["80"]`) last listened on, by portForwardKey: kept in state.json,
   * so a restarted daemon listens on the same port again when it is free (controllers/port-forward-controller.ts).
   */
  readonly ephemeralPorts?: Readonly<Record<string, number>>;
  /** Image builds by service (absent in state files from before builds). */
  readonly builds?: Readonly<Record<string, BuildState>>;
  /** The last changes' traces, newest last (absent in state files from before live sync). */
  readonly traces?: readonly SyncTrace[];
  readonly liveRequests?: readonly LiveRequest[];
  /** The last request id handed out (ids never repeat within a project). */
  readonly liveRequestSeq?: number;
  /**
   * Pods seen running and ready, without a restart, for the stable window (selectors.stableWindowMs): pod name →
   * its restart count then. A service without a healthcheck is ready only once its pods are here with that count.
   */
  readonly stablePods?: Readonly<Record<string, number>>;
  /** What a failed service's pod left: its log tail and events, read once per crash (controllers/failure-controller.ts). */
  readonly failures?: Readonly<Record<string, FailureReport>>;
  /** Set by `down`: what to delete. */
  readonly down?: { readonly volumes: boolean };
  /** How built images reach the cluster, decided per load (absent until the first decision, and in tests without a planner). */
  readonly delivery?: DeliveryState;
}

export interface ClusterStatus {
  readonly reachable: boolean;
  readonly message?: string;
  readonly since: number;
}

/**
 * An `up` whose project is not known yet (its name comes from the load): the config controller loads it once; the
 * server reads the result, checks the caller's context and rights, then accepts it (the load becomes the project's)
 * or drops it. Not persisted.
 */
export interface PendingUp {
  readonly id: string;
  readonly request: ProjectLoadRequest;
  /** The load's result, its manifests prepared as for projectLoaded. */
  readonly result?: ProjectLoadResult;
  /** The prepared units' hashes when the load is good. */
  readonly hashes?: Readonly<Record<string, string>>;
}

export interface EngineState {
  readonly projects: Readonly<Record<string, ProjectState>>;
  readonly cluster: ClusterStatus;
  /** Ups waiting for their load or for the server's answer, by id. */
  readonly ups?: Readonly<Record<string, PendingUp>>;
  /** The dashboard's timeline, reduced from the public event log (timeline.ts; absent until the first event). */
  readonly timeline?: TimelineState;
}

export const initialState = (now: number): EngineState => ({ projects: {}, cluster: { reachable: true, since: now } });
