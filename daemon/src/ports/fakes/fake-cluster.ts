/**
 * An in-memory cluster for engine tests: records applies and deletes, lets the test set workload status and
 * fail calls, and feeds watchers like the real adapter does.
 */
import type { KubeManifest } from "../../translate/types.js";
import type { ApplyOptions, ClusterClient, ObjectRef, ObservedObject, Stoppable, WatchHandlers } from "../cluster.js";
import { ClusterError } from "../cluster.js";

export interface FakeCluster extends ClusterClient {
  readonly applied: KubeManifest[][];
  readonly deletes: { namespace: string; selector: string; kinds: readonly string[] }[];
  readonly objects: Map<string, KubeManifest>;
  /** Make the next calls fail with this error (transient = unreachable). */
  failNext(error: ClusterError, times?: number): void;
  setUnreachable(unreachable: boolean): void;
  /** Report a workload/pod status to watchers of its namespace. */
  observe(object: ObservedObject): void;
  /** Helpers: a Deployment that is ready / a Job that succeeded or failed, for a service of the last apply. */
  markReady(namespace: string, service: string): void;
  markJob(namespace: string, service: string, result: "succeeded" | "failed"): void;
  appliedServices(): string[];
  /** What readLog / podEvents answer, per pod name ("pod/container" for logs; `previous` runs under "pod/container/previous"). */
  readonly logs: Map<string, readonly string[]>;
  readonly events: Map<string, readonly string[]>;
  /** dropSpareForwards calls, as "namespace" or "namespace:port". */
  readonly droppedSpares: string[];
  /** portForward calls, as "namespace/pod:port". */
  readonly forwarded: string[];
}

const key = (m: { kind: string; metadata: { name: string; namespace?: string } }): string => `${m.metadata.namespace ?? ""}/${m.kind}/${m.metadata.name}`;
const matches = (labels: Readonly<Record<string, string>> | undefined, selector: string): boolean =>
  selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return k !== undefined && labels?.[k] === v;
  });

export const createFakeCluster = (): FakeCluster => {
  const applied: KubeManifest[][] = [];
  const deletes: FakeCluster["deletes"] = [];
  const objects = new Map<string, KubeManifest>();
  const watchers = new Set<{ namespace: string; selector: string; handlers: WatchHandlers }>();
  let failures: { error: ClusterError; times: number } | undefined;
  let unreachable = false;
  const logs = new Map<string, readonly string[]>();
  const events = new Map<string, readonly string[]>();
  const droppedSpares: string[] = [];
  const forwarded: string[] = [];

  const check = (): void => {
    if (unreachable) throw new ClusterError("cannot reach the cluster at https://127.0.0.1:6443: connect ECONNREFUSED", true);
    if (failures && failures.times > 0) {
      failures.times -= 1;
      throw failures.error;
    }
  };
  const emit = (object: ObservedObject, type: "upsert" | "delete"): void => {
    for (const w of watchers) if (w.namespace === object.namespace && matches(object.labels, w.selector)) w.handlers.onEvent({ type, object });
  };
  const workloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "Job"];
  const workloadOf = (namespace: string, service: string): KubeManifest | undefined =>
    [...objects.values()].find((m) => m.metadata.namespace === namespace && m.metadata.labels?.["devloop.dev/service"] === service && workloadKinds.includes(m.kind));
  const observed = (m: KubeManifest): Omit<ObservedObject, "replicas" | "job"> => ({
    kind: m.kind as ObservedObject["kind"],
    name: m.metadata.name,
    namespace: m.metadata.namespace ?? "",
    labels: m.metadata.labels ?? {},
    ...(m.metadata.annotations?.["devloop.dev/input-hash"] === undefined ? {} : { inputHash: m.metadata.annotations["devloop.dev/input-hash"] }),
  });

  return {
    logs,
    events,
    droppedSpares,
    forwarded,
    applied,
    deletes,
    objects,
    async apply(manifests: readonly KubeManifest[], _options: ApplyOptions): Promise<readonly ObjectRef[]> {
      await Promise.resolve();
      check();
      applied.push([...manifests]);
      for (const m of manifests) objects.set(key(m), m);
      return manifests.map((m) => ({ apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name, ...(m.metadata.namespace === undefined ? {} : { namespace: m.metadata.namespace }) }));
    },
    async deleteByLabel(namespace, selector, kinds) {
      await Promise.resolve();
      check();
      deletes.push({ namespace, selector, kinds });
      const gone: ObjectRef[] = [];
      for (const [k, m] of objects) {
        if (m.metadata.namespace === namespace && kinds.includes(m.kind) && matches(m.metadata.labels, selector)) {
          objects.delete(k);
          gone.push({ apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name, namespace });
          if (workloadKinds.includes(m.kind)) emit(observed(m), "delete");
        }
      }
      return gone;
    },
    async deleteNamespace(name) {
      await Promise.resolve();
      check();
      for (const [k, m] of objects) if (m.metadata.namespace === name || (m.kind === "Namespace" && m.metadata.name === name)) objects.delete(k);
    },
    async readNamespace(name) {
      await Promise.resolve();
      check();
      const ns = [...objects.values()].find((m) => m.kind === "Namespace" && m.metadata.name === name);
      return ns === undefined ? undefined : { labels: ns.metadata.labels ?? {}, terminating: false };
    },
    async listNamespaces(selector) {
      await Promise.resolve();
      check();
      return [...objects.values()].filter((m) => m.kind === "Namespace" && matches(m.metadata.labels, selector)).map((m) => m.metadata.name);
    },
    watch(namespace, selector, handlers): Stoppable {
      const w = { namespace, selector, handlers };
      watchers.add(w);
      return { stop: () => Promise.resolve(void watchers.delete(w)) };
    },
    followLog({ onEnd }) {
      onEnd();
      return { stop: () => Promise.resolve() };
    },
    async readLog({ pod, container, previous, tailLines }) {
      await Promise.resolve();
      check();
      return (logs.get(`${pod}/${container}${previous ? "/previous" : ""}`) ?? []).slice(-tailLines);
    },
    async podEvents(_namespace, pod) {
      await Promise.resolve();
      check();
      return events.get(pod) ?? [];
    },
    async portForward({ namespace, pod, remotePort }) {
      forwarded.push(`${namespace}/${pod}:${remotePort}`);
      await Promise.resolve();
      check();
    },
    dropSpareForwards(namespace, remotePort) {
      droppedSpares.push(remotePort === undefined ? namespace : `${namespace}:${remotePort}`);
    },
    async ping() {
      await Promise.resolve();
      check();
    },
    failNext(error, times = 1) {
      failures = { error, times };
    },
    setUnreachable(value) {
      unreachable = value;
      for (const w of watchers) {
        if (value) w.handlers.onDisconnected("cannot reach the cluster");
        else w.handlers.onReconnected();
      }
    },
    observe: (object) => emit(object, "upsert"),
    markReady(namespace, service) {
      const m = workloadOf(namespace, service);
      if (!m) throw new Error(`fake cluster: no workload for ${service} in ${namespace}`);
      // A DaemonSet has no replicas: one pod on the fake's one node.
      const replicas = m.kind === "DaemonSet" ? 1 : Number((m["spec"] as { replicas?: number } | undefined)?.replicas ?? 1);
      emit({ ...observed(m), replicas: { desired: replicas, current: replicas, updated: replicas, ready: replicas, observedCurrent: true } }, "upsert");
    },
    markJob(namespace, service, result) {
      const m = workloadOf(namespace, service);
      if (!m) throw new Error(`fake cluster: no job for ${service} in ${namespace}`);
      emit({ ...observed(m), job: { active: 0, succeeded: result === "succeeded", failed: result === "failed", ...(result === "failed" ? { message: "BackoffLimitExceeded: Job has reached the specified backoff limit" } : {}) } }, "upsert");
    },
    appliedServices: () => applied.map((batch) => batch[0]?.metadata.labels?.["devloop.dev/service"] ?? "(namespace)"),
  };
};
