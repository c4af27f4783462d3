/**
 * The ClusterClient on @kubernetes/client-node: server-side apply (field manager "devloop"), delete by label,
 * a relisting watch with backoff, logs, port-forward streams (one opened ahead per used target: forward-spares.ts).
 * Every error leaves as a ClusterError worded for a human (kube-errors.ts); an unreachable apiserver is transient and
 * retried by the engine.
 */
import { PassThrough, type Duplex } from "node:stream";
import { CoreV1Api, KubeConfig, KubernetesObjectApi, Log, PatchStrategy, VersionApi, Watch } from "@kubernetes/client-node";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KubeManifest } from "../translate/types.js";
import type { ApplyOptions, ClusterClient, ObjectEvent, ObjectRef, ObservedObject, PortForwardTarget, Stoppable, WatchHandlers } from "../ports/cluster.js";
import { ClusterError } from "../ports/cluster.js";
import { isolationManifests } from "../policy/isolation.js";
import { applyInStages } from "./apply-stages.js";
import { createKubeAccess } from "./kube-access.js";
import { createForwardSpares } from "./forward-spares.js";
import { createKubePodStreams } from "./kube-pod-stream.js";
import { rewordKubeError, statusCode } from "./kube-errors.js";
import { summarize } from "./kube-status.js";

const kindApiVersion: Readonly<Record<string, string>> = {
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
  Service: "v1",
  ConfigMap: "v1",
  Secret: "v1",
  Pod: "v1",
  PersistentVolumeClaim: "v1",
  LimitRange: "v1",
  ResourceQuota: "v1",
  NetworkPolicy: "networking.k8s.io/v1",
};

const watched = [
  { kind: "Deployment", path: (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments` },
  { kind: "StatefulSet", path: (ns: string) => `/apis/apps/v1/namespaces/${ns}/statefulsets` },
  { kind: "DaemonSet", path: (ns: string) => `/apis/apps/v1/namespaces/${ns}/daemonsets` },
  { kind: "Job", path: (ns: string) => `/apis/batch/v1/namespaces/${ns}/jobs` },
  { kind: "Pod", path: (ns: string) => `/api/v1/namespaces/${ns}/pods` },
] as const;

export interface KubeClusterParams {
  readonly kubeConfig: KubeConfig;
  /** Injected sleep for backoff (tests); defaults to setTimeout. */
  readonly delay?: (ms: number) => Promise<void>;
  /** What devloop left out because the identity may not do it (patch an existing Namespace, create a LimitRange…). */
  readonly onNote?: (line: string) => void;
}

/** The isolation defaults: applied where the identity may create them, left out (with a note) where it may not. */
const isolationNames = new Set(isolationManifests("x").map((m) => `${m.kind}/${m.metadata.name}`));
const isOptional = (m: KubeManifest): boolean => isolationNames.has(`${m.kind}/${m.metadata.name}`);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Loads the kubeconfig as kubectl would ($KUBECONFIG or ~/.kube/config), optionally switching context. */
export const loadKubeConfig = (context?: string): KubeConfig => {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context)) throw new ClusterError(`kube context "${context}" not found; have: ${kc.getContexts().map((c) => c.name).join(", ")}`, false);
    kc.setCurrentContext(context);
  }
  return kc;
};

const refOf = (m: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } }): ObjectRef => ({
  apiVersion: m.apiVersion ?? "v1",
  kind: m.kind ?? "",
  name: m.metadata?.name ?? "",
  ...(m.metadata?.namespace === undefined ? {} : { namespace: m.metadata.namespace }),
});

const where = (m: KubeManifest): string => `${m.kind} ${m.metadata.name}${m.metadata.namespace === undefined ? "" : ` in namespace ${m.metadata.namespace}`}`;

export const createKubeCluster = ({ kubeConfig, delay = sleep, onNote = () => undefined }: KubeClusterParams): ClusterClient => {
  const access = createKubeAccess(kubeConfig);
  // Each forwarded connection's stream to the pod, with one opened ahead per used target (forward-spares.ts).
  const forwards = createForwardSpares({ open: createKubePodStreams(kubeConfig) });
  const noted = new Set<string>();
  const note = (line: string): void => {
    if (noted.has(line)) return;
    noted.add(line);
    onNote(line);
  };
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const version = kubeConfig.makeApiClient(VersionApi);
  const server = kubeConfig.getCurrentCluster()?.server;
  const reword = (what: string, error: unknown): ClusterError => rewordKubeError(what, error, server);

  const patch = (m: KubeManifest, fieldManager: string): Promise<KubernetesObject> =>
    objects.patch(m, undefined, undefined, fieldManager, false, PatchStrategy.ServerSideApply);

  const waitGone = async (m: KubeManifest): Promise<void> => {
    for (let i = 0; i < 60; i++) {
      try {
        await objects.read({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, namespace: m.metadata.namespace ?? "default" } });
      } catch (error) {
        if (statusCode(error) === 404) return;
        throw error;
      }
      await delay(500);
    }
  };

  /** A namespace still terminating (a down just before) cannot take new objects: wait until it is gone. */
  const waitNamespaceNotTerminating = async (name: string): Promise<void> => {
    for (let i = 0; i < 240; i++) {
      try {
        const ns = await core.readNamespace({ name });
        if (ns.status?.phase !== "Terminating") return;
      } catch (error) {
        if (statusCode(error) === 404 || statusCode(error) === 403) return;
        throw reword(`read namespace ${name}`, error);
      }
      await delay(500);
    }
    throw new ClusterError(`namespace ${name} is still terminating after 2 minutes`, true);
  };

  /**
   * A namespace-scoped identity may read its own Namespace (RBAC gives a RoleBinding's namespace the `get
   * namespaces/<it>` of `edit`) but not patch it: an existing Namespace is applied only when a
   * SelfSubjectAccessReview says the patch is allowed, else left as it is. A missing one is created, or refused at once.
   */
  const applyNamespace = async (m: KubeManifest, options: ApplyOptions): Promise<ObjectRef> => {
    const name = m.metadata.name;
    let exists: boolean | undefined;
    try {
      const ns = await core.readNamespace({ name });
      exists = true;
      if (ns.status?.phase === "Terminating") await waitNamespaceNotTerminating(name);
    } catch (error) {
      if (statusCode(error) === 404) exists = false;
      else if (statusCode(error) !== 403) throw reword(`read namespace ${name}`, error);
    }
    if (exists !== false && !(await access.can({ verb: "patch", resource: "namespaces", name, namespace: name }))) {
      note(`namespace ${name}${exists === true ? " exists" : ""}: this identity may not patch it, so devloop leaves the Namespace object as it is (no devloop labels on it; down --volumes will not delete it)`);
      return refOf(m);
    }
    try {
      return refOf(await patch(m, options.fieldManager));
    } catch (error) {
      throw reword(`create namespace ${name} (it does not exist)`, error);
    }
  };

  const applyOne = async (m: KubeManifest, options: ApplyOptions): Promise<ObjectRef> => {
    if (m.kind === "Namespace") return applyNamespace(m, options);
    try {
      return refOf(await patch(m, options.fieldManager));
    } catch (error) {
      if (statusCode(error) === 403 && isOptional(m)) {
        note(`${where(m)} left out: ${reword(`apply ${m.kind}`, error).message.replace(/^apply \S+: forbidden: /, "")}`);
        return refOf(m);
      }
      const immutable = statusCode(error) === 422 && JSON.stringify((error as { body?: unknown }).body ?? "").includes("immutable");
      if (!immutable || !options.recreateImmutable) throw reword(`apply ${where(m)}`, error);
    }
    try {
      await objects.delete(m, undefined, undefined, 0, undefined, "Background");
      await waitGone(m);
      return refOf(await patch(m, options.fieldManager));
    } catch (error) {
      throw reword(`re-create ${where(m)}`, error);
    }
  };

  const listKind = async (namespace: string, kind: string, selector: string): Promise<KubernetesObject[]> => {
    const apiVersion = kindApiVersion[kind];
    if (apiVersion === undefined) throw new ClusterError(`unknown kind ${kind}`, false);
    const list = await objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
    return list.items.map((i) => ({ ...i, apiVersion, kind }));
  };

  const watch = (namespace: string, selector: string, handlers: WatchHandlers): Stoppable => {
    let stopped = false;
    let aborts: AbortController[] = [];
    let wakeUp: (() => void) | undefined;
    let disconnected = false;

    const run = async (): Promise<void> => {
      let attempt = 0;
      while (!stopped) {
        let ended: ((reason: string | undefined) => void) | undefined;
        const ended$ = new Promise<string | undefined>((resolve) => (ended = resolve));
        try {
          // Relist everything, then watch each kind from its list's resourceVersion.
          const lists = await Promise.all(
            watched.map(async (w) => {
              const apiVersion = kindApiVersion[w.kind] ?? "v1";
              const list = await objects.list(apiVersion, w.kind, namespace, undefined, undefined, undefined, undefined, selector);
              return { w, list };
            }),
          );
          const all: ObservedObject[] = lists.flatMap(({ w, list }) => list.items.map((i) => summarize(w.kind, { ...i, metadata: { ...i.metadata, namespace } })));
          if (stopped) return;
          handlers.onEvent({ type: "sync", namespace, objects: all });
          if (disconnected) {
            disconnected = false;
            handlers.onReconnected();
          }
          attempt = 0;
          const watch = new Watch(kubeConfig);
          aborts = await Promise.all(
            lists.map(({ w, list }) =>
              watch.watch(
                w.path(namespace),
                { labelSelector: selector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 240 },
                (phase: string, obj: unknown) => {
                  if (phase === "BOOKMARK") return;
                  if (phase === "ERROR") {
                    ended?.("watch expired");
                    return;
                  }
                  const object = summarize(w.kind, obj);
                  const event: ObjectEvent = phase === "DELETED" ? { type: "delete", object } : { type: "upsert", object };
                  handlers.onEvent(event);
                },
                (err: unknown) => ended?.(err === null || err === undefined ? undefined : reword(`watch ${w.kind}s in namespace ${namespace}`, err).message),
              ),
            ),
          );
          const reason = await Promise.race([ended$, new Promise<string>((resolve) => (wakeUp = () => resolve("stopped")))]);
          for (const a of aborts) a.abort();
          aborts = [];
          if (reason === undefined || reason === "watch expired" || reason === "stopped") continue;
          throw new ClusterError(reason, true);
        } catch (error) {
          for (const a of aborts) a.abort();
          aborts = [];
          if (stopped) return;
          const message = reword(`watch namespace ${namespace}`, error).message;
          if (!disconnected) {
            disconnected = true;
            handlers.onDisconnected(message);
          }
          attempt += 1;
          await Promise.race([delay(Math.min(30_000, 500 * 2 ** attempt)), new Promise<void>((resolve) => (wakeUp = resolve))]);
        }
      }
    };
    void run();
    return {
      stop: () => {
        stopped = true;
        for (const a of aborts) a.abort();
        wakeUp?.();
        return Promise.resolve();
      },
    };
  };

  return {
    apply(manifests, options) {
      // Namespaces first, so everything else has somewhere to go; then what does not wait for each other at once.
      return applyInStages(manifests, (m) => applyOne(m, options));
    },
    async annotatePod(namespace, pod, annotations) {
      try {
        await objects.patch({ apiVersion: "v1", kind: "Pod", metadata: { name: pod, namespace, annotations: { ...annotations } } }, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
      } catch (error) {
        throw reword(`annotate pod ${pod}`, error);
      }
    },
    async deleteByLabel(namespace, selector, kinds) {
      const gone: ObjectRef[] = [];
      for (const kind of kinds) {
        let items: KubernetesObject[];
        try {
          items = await listKind(namespace, kind, selector);
        } catch (error) {
          if (statusCode(error) === 404) continue;
          throw reword(`list ${kind}s (${selector}) in namespace ${namespace}`, error);
        }
        for (const item of items) {
          try {
            await objects.delete(item, undefined, undefined, undefined, undefined, "Background");
            gone.push(refOf(item));
          } catch (error) {
            if (statusCode(error) !== 404) throw reword(`delete ${kind} ${item.metadata?.name ?? ""} in namespace ${namespace}`, error);
          }
        }
      }
      return gone;
    },
    async deleteNamespace(name) {
      try {
        await core.deleteNamespace({ name });
      } catch (error) {
        if (statusCode(error) === 403) {
          note(`namespace ${name} stays: this identity may not delete namespaces (its objects were deleted)`);
          return;
        }
        if (statusCode(error) !== 404) throw reword(`delete namespace ${name}`, error);
      }
    },
    async readNamespace(name) {
      try {
        const ns = await core.readNamespace({ name });
        return { labels: ns.metadata?.labels ?? {}, terminating: ns.status?.phase === "Terminating" };
      } catch (error) {
        if (statusCode(error) === 404 || statusCode(error) === 403) return undefined;
        throw reword(`read namespace ${name}`, error);
      }
    },
    async listNamespaces(selector) {
      // A cluster-scope list: asked first, so a namespace-scoped identity gets [] rather than a 403.
      if (!(await access.can({ verb: "list", resource: "namespaces" }))) return [];
      try {
        const list = await core.listNamespace({ labelSelector: selector });
        return list.items.filter((n) => n.status?.phase !== "Terminating").map((n) => n.metadata?.name ?? "");
      } catch (error) {
        throw reword(`list namespaces (${selector})`, error);
      }
    },
    watch,
    followLog({ namespace, pod, container, sinceSeconds, tailLines, follow, timestamps, onLine, onEnd }) {
      const stream = new PassThrough();
      let buffer = "";
      let abort: AbortController | undefined;
      let stopped = false;
      stream.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) onLine(line);
      });
      stream.on("end", () => {
        if (buffer !== "") onLine(buffer);
        if (!stopped) onEnd();
      });
      new Log(kubeConfig)
        .log(namespace, pod, container, stream, { follow, ...(sinceSeconds === undefined ? {} : { sinceSeconds }), ...(tailLines === undefined ? {} : { tailLines }), ...(timestamps === true ? { timestamps: true } : {}) })
        .then((a) => {
          abort = a;
          if (stopped) a.abort();
        })
        .catch((error: unknown) => {
          if (!stopped) onEnd(reword(`logs of pod ${pod} in namespace ${namespace}`, error).message);
        });
      return {
        stop: () => {
          stopped = true;
          abort?.abort();
          return Promise.resolve();
        },
      };
    },
    async readLog({ namespace, pod, container, previous, tailLines }) {
      try {
        const text = await core.readNamespacedPodLog({ name: pod, namespace, container, previous, tailLines });
        const lines = String(text).split("\n");
        if (lines[lines.length - 1] === "") lines.pop();
        return lines;
      } catch (error) {
        throw reword(`logs of pod ${pod} in namespace ${namespace}`, error);
      }
    },
    async podEvents(namespace, pod) {
      try {
        const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod}` });
        const time = (e: (typeof list.items)[number]): number => new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
        return [...list.items].sort((a, b) => time(a) - time(b)).map((e) => `${e.reason ?? e.type ?? "Event"}: ${(e.message ?? "").trim()}${(e.count ?? 1) > 1 ? ` (×${e.count ?? 1})` : ""}`);
      } catch (error) {
        throw reword(`events of pod ${pod} in namespace ${namespace}`, error);
      }
    },
    async portForward(target: PortForwardTarget, socket: NodeJS.ReadWriteStream) {
      try {
        await forwards.connect(target, socket as unknown as Duplex);
      } catch (error) {
        throw reword(`port-forward to pod ${target.pod}:${target.remotePort} in namespace ${target.namespace}`, error);
      }
    },
    dropSpareForwards(namespace, remotePort) {
      forwards.drop(namespace, remotePort);
    },
    async ping() {
      try {
        await version.getCode();
      } catch (error) {
        throw reword("ping the apiserver", error);
      }
    },
  };
};
