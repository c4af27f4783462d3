/**
 * The cluster as the engine sees it: only what the controllers need. The real one is
 * adapters/kube-cluster.ts (client-node); the fake in fakes/fake-cluster.ts keeps objects in memory.
 * Every method rejects with a ClusterError whose message is already worded for a human.
 */
import { RuntimeCodes } from "../errors/runtime-codes.js";
import { TransientError } from "../errors/transient-error.js";
import type { KubeManifest } from "../translate/types.js";

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** What the engine needs to know about one object in a watched namespace: a summary, never the raw object. */
export interface ObservedObject {
  readonly kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "Pod";
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The devloop input-hash annotation of the workload (not set on pods). */
  readonly inputHash?: string;
  /** A workload condition worth showing (e.g. ReplicaFailure: quota exceeded). */
  readonly problem?: string;
  /**
   * Deployment / StatefulSet: the spec's replicas and the status counts; DaemonSet: the nodes that should run a pod
   * (desiredNumberScheduled) and the scheduled, updated and ready counts. current = status.observedGeneration ≥ metadata.generation.
   */
  readonly replicas?: { readonly desired: number; readonly current: number; readonly updated: number; readonly ready: number; readonly observedCurrent: boolean };
  /** Job: succeeded / failed conditions. */
  readonly job?: { readonly active: number; readonly succeeded: boolean; readonly failed: boolean; readonly message?: string };
  /** Pod: phase, readiness, the first problem worth showing. */
  readonly pod?: {
    readonly phase: string;
    readonly ready: boolean;
    readonly restarts: number;
    readonly ownerName?: string;
    /** e.g. "CrashLoopBackOff", "ImagePullBackOff", "Error". */
    readonly reason?: string;
    readonly message?: string;
    readonly exitCode?: number;
    readonly containers: readonly string[];
    readonly deleting: boolean;
    /** Every app container is in state running (not waiting, not terminated). */
    readonly running?: boolean;
    /** An app container has a readinessProbe (a compose healthcheck): Ready means the check held. */
    readonly probed?: boolean;
    /**
     * The latest exit of an app container: its current termination, else its last one (lastState) when it was
     * restarted. `now`: the container is terminated at this moment (not restarted yet).
     */
    readonly lastExit?: { readonly container: string; readonly exitCode: number; readonly reason: string; readonly message?: string; readonly now: boolean };
    /** Init containers running at this moment (the devloop-bind container waits for devloop to put bind-mounted source). */
    readonly initRunning?: readonly string[];
    /**
     * On a scheduled pod still initializing with none running by its status: the init container the kubelet starts next
     * (every one before it has ended with 0). It may run already: the status follows on the kubelet's next relist.
     */
    readonly initNext?: string;
    /** App containers that wait for their bind fill themselves (engine/bind-wait.ts: the ready file's startupProbe). */
    readonly bindWaits?: readonly string[];
    /** Of those, the ones running and still waiting (not started: the probe has not passed). */
    readonly bindWaiting?: readonly string[];
    /**
     * Of those, on a scheduled pod whose init containers all ended with 0, the ones not reported running yet (never
     * restarted): the kubelet starts them, and they may run already, the status following on its next relist.
     */
    readonly bindNext?: readonly string[];
  };
}

export type ObjectEvent =
  | { readonly type: "upsert"; readonly object: ObservedObject }
  | { readonly type: "delete"; readonly object: ObservedObject }
  /** A full relist happened: these are all the objects that exist now (replaces what was known). */
  | { readonly type: "sync"; readonly namespace: string; readonly objects: readonly ObservedObject[] };

export interface WatchHandlers {
  readonly onEvent: (event: ObjectEvent) => void;
  /** The watch lost the cluster; it retries by itself with backoff and calls onReconnected when back. */
  readonly onDisconnected: (message: string) => void;
  readonly onReconnected: () => void;
}

export interface Stoppable {
  stop(): Promise<void>;
}

export interface ApplyOptions {
  readonly fieldManager: string;
  /** Delete and re-create objects whose immutable fields changed (Jobs). */
  readonly recreateImmutable?: boolean;
}

export interface LogLineHandler {
  (line: string): void;
}

export interface PortForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly remotePort: number;
}

export interface ClusterClient {
  /**
   * Server-side apply: Namespaces first, then the objects pods mount or are governed by, then the pod producers; the
   * objects of one round at once (adapters/apply-stages.ts), every failure of a round in its error.
   */
  apply(manifests: readonly KubeManifest[], options: ApplyOptions): Promise<readonly ObjectRef[]>;
  /**
   * Merges annotations into a pod's metadata. Used once a pod whose app container waited for its bind fill has started
   * (engine/bind-wait.ts): the kubelet (1.19–1.21) marks a container with a startupProbe and no readinessProbe ready
   * only on its next sync, up to a minute later (kubernetes#95140), and a pod update is one.
   */
  annotatePod?(namespace: string, pod: string, annotations: Readonly<Record<string, string>>): Promise<void>;
  /** Deletes objects of the given kinds matching the label selector; returns what was deleted. */
  deleteByLabel(namespace: string, selector: string, kinds: readonly string[]): Promise<readonly ObjectRef[]>;
  deleteNamespace(name: string): Promise<void>;
  /**
   * A namespace's labels (a namespaced read: a namespace-scoped identity may get its own Namespace); undefined when it
   * does not exist or may not be read.
   */
  readNamespace(name: string): Promise<{ readonly labels: Readonly<Record<string, string>>; readonly terminating: boolean } | undefined>;
  /** Namespaces carrying the label selector ([] when the identity may not list namespaces). */
  listNamespaces(selector: string): Promise<readonly string[]>;
  /** Watches workloads and pods in a namespace matching the selector; relists and backs off on its own. */
  watch(namespace: string, selector: string, handlers: WatchHandlers): Stoppable;
  /** Follows a container's log from now (or sinceSeconds back); onEnd when the stream closes. */
  followLog(params: { namespace: string; pod: string; container: string; sinceSeconds?: number; tailLines?: number; follow: boolean; timestamps?: boolean; onLine: LogLineHandler; onEnd: (error?: string) => void }): Stoppable;
  /** The last lines of a container's log (previous: the run before the current one, after a restart). */
  readLog(params: { namespace: string; pod: string; container: string; previous: boolean; tailLines: number }): Promise<readonly string[]>;
  /** The pod's events, oldest first, as "Reason: message" (e.g. "BackOff: Back-off restarting failed container"). */
  podEvents(namespace: string, pod: string): Promise<readonly string[]>;
  /**
   * Carries one local connection to one pod port. The adapter may keep a stream opened ahead for a target that was
   * used (bounded; adapters/forward-spares.ts), so a new connection does not wait for the stream's set-up.
   */
  portForward(target: PortForwardTarget, socket: NodeJS.ReadWriteStream): Promise<void>;
  /** Closes the streams opened ahead for a namespace's pods (for one remote port when given): the forward is gone. */
  dropSpareForwards(namespace: string, remotePort?: number): void;
  /** A cheap call that proves the apiserver answers. */
  ping(): Promise<void>;
}

/** A cluster failure already worded for a human; `transient` ones (unreachable, 5xx, 429) are retried with backoff. */
export class ClusterError extends TransientError {
  override readonly name = "ClusterError";
  protected readonly defaultCode = RuntimeCodes.cluster.code;
}
