/**
 * Facts that happened, past tense. Controllers and the server dispatch them; reducer.ts folds them into state;
 * public-events.ts turns some of them into the event stream.
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import type { ObjectEvent } from "../ports/cluster.js";
import type { BuildStepProgress, ImageCommand } from "../ports/image-builder.js";
import type { LoadedProject, ProjectLoadRequest, ProjectLoadResult } from "../ports/project-loader.js";
import type { DeliveryState, FailureReport, ProjectRequest, ProjectState, SyncTrace } from "./state.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

export type Action =
  /** Restored from the state file at startup. */
  | { readonly type: "stateRestored"; readonly projects: readonly ProjectState[] }
  | { readonly type: "projectRequested"; readonly request: ProjectRequest }
  /** `devloop up` (POST /api/projects): load this once; the project's name is known from the load. */
  | { readonly type: "upRequested"; readonly id: string; readonly request: ProjectLoadRequest }
  /** The up's load finished; hashes of the prepared units when it is good. */
  | { readonly type: "upLoaded"; readonly id: string; readonly result: ProjectLoadResult; readonly hashes?: Readonly<Record<string, string>> }
  /** The server accepted the up: projectRequested, with the up's load as that generation's projectLoaded (no second load). */
  | { readonly type: "upAccepted"; readonly id: string; readonly request: ProjectRequest }
  /** The up was invalid, refused (context, rights) or abandoned. */
  | { readonly type: "upDropped"; readonly id: string }
  | { readonly type: "composeChanged"; readonly project: string; readonly files: readonly string[] }
  | { readonly type: "projectLoaded"; readonly project: string; readonly generation: number; readonly loaded: LoadedProject; readonly hashes: Readonly<Record<string, string>> }
  | { readonly type: "projectInvalid"; readonly project: string; readonly generation: number; readonly diagnostics: readonly Diagnostic[] }
  | { readonly type: "applyStarted"; readonly project: string; readonly unit: string; readonly inputHash: string }
  | { readonly type: "applyFinished"; readonly project: string; readonly unit: string; readonly inputHash: string; readonly error?: string; readonly transient?: boolean; readonly at: number }
  | { readonly type: "buildStarted"; readonly project: string; readonly service: string; readonly generation: number; readonly at: number }
  /** image: the built reference (content-hash tag) on success. */
  | { readonly type: "buildFinished"; readonly project: string; readonly service: string; readonly generation: number; readonly image?: string; readonly command?: ImageCommand; readonly skipped?: boolean; readonly ms: number; readonly error?: string; readonly tail?: readonly string[]; readonly at: number }
  /** The running build's step changed (or its last output line, at most every buildProgressMs): for up's live line. */
  | { readonly type: "buildProgressed"; readonly project: string; readonly service: string; readonly generation: number; readonly progress: BuildStepProgress; readonly at: number }
  /** How the project's images reach its cluster was decided for a load (its builds wait for this). */
  | { readonly type: "deliveryDecided"; readonly project: string; readonly delivery: DeliveryState }
  | { readonly type: "servicePruned"; readonly project: string; readonly service: string; readonly error?: string }
  | { readonly type: "objectsObserved"; readonly project: string; readonly namespace: string; readonly event: ObjectEvent }
  | { readonly type: "clusterUnreachable"; readonly message: string; readonly at: number }
  | { readonly type: "clusterReachable"; readonly at: number }
  /** ephemeral: compose gave no host port ("80"); `local` is the free port the listener picked (0 until it has). */
  | { readonly type: "portForwardChanged"; readonly project: string; readonly service: string; readonly local: number; readonly remote: number; readonly status: "pending" | "active" | "failed"; readonly message?: string; readonly ephemeral?: boolean }
  /** The forward is no longer wanted (its port left the compose file, or its service did) and stopped listening. */
  | { readonly type: "portForwardClosed"; readonly project: string; readonly service: string; readonly local: number; readonly remote: number; readonly ephemeral?: boolean }
  | { readonly type: "downRequested"; readonly project: string; readonly volumes: boolean }
  | { readonly type: "projectRemoved"; readonly project: string }
  /** `down -n OLD` cleaned a namespace the project had left. */
  | { readonly type: "namespaceReleased"; readonly project: string; readonly namespace: string }
  /** A change (or a new pod, or a request) went through the live loop; `trace.id` is assigned by the reducer. */
  | { readonly type: "syncTraced"; readonly project: string; readonly trace: Omit<SyncTrace, "id"> }
  /** `devloop restart|resync` or the dashboard's buttons. */
  | { readonly type: "liveRequested"; readonly project: string; readonly kind: "restart" | "resync"; readonly service?: string; readonly at: number }
  | { readonly type: "liveRequestHandled"; readonly project: string; readonly id: number }
  /** A develop.watch `rebuild` rule fired, or a rebuild was asked for: reload, which rebuilds what changed and rolls it out. */
  | { readonly type: "rebuildRequested"; readonly project: string; readonly service?: string; readonly at: number }
  /** A pod ran ready with this restart count for the stable window (controllers/stability-controller.ts). */
  | { readonly type: "podStable"; readonly project: string; readonly pod: string; readonly restarts: number; readonly at: number }
  /** A failed service's pod's log tail and events were read (controllers/failure-controller.ts). */
  | { readonly type: "failureReported"; readonly project: string; readonly service: string; readonly report: FailureReport }
  /** A timer fired (backoff over): nothing changed, controllers look again. */
  | { readonly type: "tick"; readonly at: number }
  | { readonly type: "log"; readonly source: string; readonly level: LogLevel; readonly line: string; readonly project?: string; readonly service?: string; readonly at: number };

export type Dispatch = (action: Action) => void;
