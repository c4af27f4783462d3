/**
 * The live loop of one project (engine/controllers/sync-controller.ts opens one per project with live rules): its
 * jobs, its state (named objects, each with its own tests: pod-tracker, manifest-book, pull-cursors, artifact-shelf)
 * and what its job runners are handed (LiveDeps: the ports, the clock, dispatch and the retry tick).
 */
import type { Clock } from "../../clock/clock.js";
import type { ClusterClient } from "../../ports/cluster.js";
import type { Compiler } from "../../ports/compiler.js";
import type { ArmContainerExec, ContainerExec } from "../../ports/container-exec.js";
import type { WatchSession } from "../../ports/file-watcher.js";
import type { Puller } from "../../ports/puller.js";
import type { SyncPod, Syncer } from "../../ports/syncer.js";
import type { PathFilter } from "../../sync/path-filter.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import type { Dispatch } from "../actions.js";
import type { LiveQueue } from "../live-queue.js";
import type { ProjectState } from "../state.js";
import type { ArtifactShelf } from "./artifact-shelf.js";
import { runBindsTarget } from "./live-pods.js";
import type { ManifestBook } from "./manifest-book.js";
import type { PodTracker } from "./pod-tracker.js";
import type { PullCursors } from "./pull-cursors.js";
import type { NodeVolumes } from "../../ports/node-volumes.js";

/** The ports and settings a loop's job runners use, as the sync controller is given them (SyncControllerParams). */
export interface LivePorts {
  readonly syncer: Syncer;
  readonly compiler: Compiler;
  readonly exec: ContainerExec;
  /**
   * Arms a compile's restarts while the compiler runs (the exec's set-up overlaps the compile; each fires once its pod
   * has the artifact, and is cancelled where the compile or the put failed). Without it the restart is one exec after the put.
   */
  readonly armExec?: ArmContainerExec;
  readonly cluster: Pick<ClusterClient, "deleteByLabel" | "annotatePod">;
  readonly clock: Clock;
  /** Timeout of a sync+exec command, ms. Default 5 min. */
  readonly execTimeoutMs?: number;
  /** Brings back what containers write into bind mounts; without it bind mounts only go host → container. */
  readonly puller?: Puller;
  /** A new pod's bind volumes on this machine's disk, when its kubelet runs here: its fill goes there (bind-disk-fill.ts). */
  readonly nodeVolumes?: NodeVolumes;
}

/** What a loop's job runners are handed by the controller: its ports, its dispatch and its retry tick. */
export interface LiveDeps extends LivePorts {
  readonly dispatch: Dispatch;
  /** Asks the next onChange to look again after 2 s (a pod backing off after a transient failure). */
  readonly retrySoon: () => void;
}

export type Job =
  | { readonly kind: "change"; readonly rule: LiveRule; readonly paths: ReadonlySet<string>; readonly firstEventAt: number; readonly closedAt: number; readonly storm: boolean }
  | { readonly kind: "compile"; readonly paths: ReadonlySet<string>; readonly firstEventAt: number; readonly closedAt: number }
  | { readonly kind: "pod"; readonly pod: string; readonly trigger: "pod" | "resync" }
  /** early: the pod's status does not say devloop-bind runs yet (live-pods.ts startingBindPods). */
  | { readonly kind: "bind"; readonly pod: string; readonly early?: boolean }
  | { readonly kind: "pull"; readonly pod: string; readonly rule: LiveRule }
  /** A `devloop run` pod whose command ended (live-pods.ts endedRunPods). */
  | { readonly kind: "ended"; readonly pod: string }
  | { readonly kind: "restart"; readonly request?: number };

export interface Loop {
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly live: Readonly<Record<string, ServiceLive>>;
  project: ProjectState;
  session?: Promise<WatchSession | undefined>;
  /** The rules' path filters are read (loop.filters): a fill or reconcile must not send what they leave out. */
  filtersReady?: Promise<void>;
  readonly filters: Map<string, PathFilter>;
  /** What each pod's targets hold, and per rule the last manifest any pod got (persisted). */
  readonly manifests: ManifestBook;
  /** Pods reconciled, backing off, bound and filled. */
  readonly pods: PodTracker;
  /** The pull-back's cursor per pod and writable bind. */
  readonly pulls: PullCursors;
  /** The last good compiled artifact per service. */
  readonly artifacts: ArtifactShelf;
  /** Request ids queued. */
  readonly handled: Set<number>;
  readonly queue: LiveQueue<Job>;
  closed: boolean;
}

export const isSyncAction = (rule: LiveRule): boolean => rule.targetDir !== undefined && (rule.action === "sync" || rule.action === "sync+restart" || rule.action === "sync+exec");
export const compileRoot = (service: string): string => `${service}:compile`;
export const firstLine = (text: string): string => text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
export const isTransient = (error: unknown): boolean => (error as { transient?: unknown } | undefined)?.transient === true;
/** Problems of the steps of one change, as the trace's error (undefined when there were none). */
export const joinErrors = (...errors: readonly (string | undefined)[]): string | undefined => errors.filter((e) => e !== undefined && e !== "").join("; ") || undefined;

/** Where a pod's files are synced: the service's container, or a `devloop run` pod's devloop-run-binds (live-pods.ts). */
export const podTarget = (loop: Loop, live: ServiceLive, pod: string): SyncPod => ({ namespace: loop.namespace, pod, container: runBindsTarget(loop.project, pod) ?? live.container });

export const mergeJobs = (a: Job, b: Job): Job => {
  if (a.kind === "change" && b.kind === "change") {
    return { ...b, paths: new Set([...a.paths, ...b.paths]), firstEventAt: Math.min(a.firstEventAt, b.firstEventAt), storm: a.storm || b.storm };
  }
  if (a.kind === "compile" && b.kind === "compile") return { ...b, paths: new Set([...a.paths, ...b.paths]), firstEventAt: Math.min(a.firstEventAt, b.firstEventAt) };
  if (a.kind === "pod" && b.kind === "pod") return a.trigger === "resync" ? a : b;
  return b;
};
