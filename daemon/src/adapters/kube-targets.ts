/**
 * One daemon, many kube targets: each `up` is served under the kubeconfig and context its CLI call was made with
 * (the CLI sends its KUBECONFIG path list and --context with every request), never one captured when the daemon
 * started. A target is pinned when a project is requested (the context resolved from that kubeconfig then), and
 * every later call for that project's namespaces goes through a client built from that target; the clients are
 * cached per kubeconfig, context and file modification time (a rewritten kubeconfig — a new token — is read again).
 */
import { statSync } from "node:fs";
import { delimiter } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeconfigPaths } from "../api/kube-target.js";
import type { ProjectState } from "../engine/state.js";
import type { ClusterClient } from "../ports/cluster.js";
import type { CallerTargets, KubeTargetRef, PinnedKubeTarget } from "../ports/kube-targets.js";
import { ClusterError } from "../ports/cluster.js";
import type { KubeAccess } from "./kube-access.js";
import { createKubeAccess } from "./kube-access.js";
import { createKubeCluster } from "./kube-cluster.js";
import type { KubeExec, KubeExecStreamOpener } from "./kube-exec.js";
import { createKubeExec, createKubeExecStream } from "./kube-exec.js";
import { createPodReader, createPodUidLookup } from "./kube-pod-uid.js";

export type { KubeTargetRef } from "../ports/kube-targets.js";
export type KubeTarget = PinnedKubeTarget;

export interface KubeBundle {
  readonly target: KubeTarget;
  readonly kubeConfig: KubeConfig;
  readonly cluster: ClusterClient;
  readonly access: KubeAccess;
  readonly exec: KubeExec;
  readonly openStream: KubeExecStreamOpener;
  readonly podUid: ReturnType<typeof createPodUidLookup>;
  readonly readPod: ReturnType<typeof createPodReader>;
}


/** Loads a kubeconfig path list as kubectl does (the first file's current-context wins; later files add entries). */
export const loadKubeConfigFrom = (paths: string): KubeConfig => {
  const kc = new KubeConfig();
  const files = paths.split(delimiter).filter((f) => f !== "");
  const [first, ...rest] = files;
  if (first === undefined) throw new ClusterError("no kubeconfig file named", false);
  try {
    kc.loadFromFile(first);
    for (const file of rest) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, true);
    }
  } catch (error) {
    throw new ClusterError(`read kubeconfig ${paths}: ${error instanceof Error ? error.message : String(error)}`, false);
  }
  return kc;
};

const selectContext = (kc: KubeConfig, paths: string, context: string | undefined): KubeTarget => {
  const name = context ?? kc.getCurrentContext();
  if (name === "" || name === undefined) throw new ClusterError(`kubeconfig ${paths} has no current-context; name one with --context`, false);
  const entry = kc.getContextObject(name);
  if (entry === null) throw new ClusterError(`kube context "${name}" is not in kubeconfig ${paths}; it has: ${kc.getContexts().map((c) => c.name).join(", ") || "none"}`, false);
  kc.setCurrentContext(name);
  return {
    kubeconfig: paths,
    context: name,
    ...(kc.getCurrentCluster()?.server === undefined ? {} : { server: kc.getCurrentCluster()?.server }),
    ...(entry.user === "" ? {} : { user: entry.user }),
    ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
  };
};

const mtimes = (paths: string): string =>
  paths
    .split(delimiter)
    .map((f) => {
      try {
        return String(statSync(f).mtimeMs);
      } catch {
        return "-";
      }
    })
    .join(",");

export interface KubeTargets extends CallerTargets {
  /** The clients for a target (cached). */
  bundle(ref: KubeTargetRef): KubeBundle;
}

/** `fallback`: for a call that names no kubeconfig (the dashboard, an older CLI): the daemon's own. */
export const createKubeTargets = (params: { readonly onNote?: (target: KubeTarget, line: string) => void; readonly fallback?: KubeTargetRef } = {}): KubeTargets => {
  const cache = new Map<string, { stamp: string; bundle: KubeBundle }>();
  const orFallback = (ref: KubeTargetRef): KubeTargetRef => (ref.kubeconfig !== undefined || params.fallback === undefined ? ref : { ...params.fallback, ...(ref.context === undefined ? {} : { context: ref.context }) });
  const pin = (given: KubeTargetRef): KubeTarget => {
    const ref = orFallback(given);
    const paths = kubeconfigPaths(ref.kubeconfig);
    return selectContext(loadKubeConfigFrom(paths), paths, ref.context);
  };
  const targets: KubeTargets = {
    pin,
    cluster: (ref) => targets.bundle(ref).cluster,
    missingRights: async (ref, namespace) => (await targets.bundle(ref).access.namespaceAccess(namespace)).missing,
    bundle(given) {
      const ref = orFallback(given);
      const paths = kubeconfigPaths(ref.kubeconfig);
      const key = `${paths}\n${ref.context ?? ""}`;
      const stamp = mtimes(paths);
      const hit = cache.get(key);
      if (hit && hit.stamp === stamp) return hit.bundle;
      const kubeConfig = loadKubeConfigFrom(paths);
      const target = selectContext(kubeConfig, paths, ref.context);
      const bundle: KubeBundle = {
        target,
        kubeConfig,
        cluster: createKubeCluster({ kubeConfig, onNote: (line) => params.onNote?.(target, line) }),
        access: createKubeAccess(kubeConfig),
        exec: createKubeExec(kubeConfig),
        openStream: createKubeExecStream(kubeConfig),
        podUid: createPodUidLookup(kubeConfig),
        readPod: createPodReader(kubeConfig),
      };
      cache.set(key, { stamp, bundle });
      return bundle;
    },
  };
  return targets;
};

/**
 * The engine's one ClusterClient (and exec ports) over many targets: each call goes to the target of the project
 * that owns the namespace it names (`targetOf`); ping asks every target in use.
 */
export const createRoutingKube = (targets: KubeTargets, targetOf: (namespace: string) => KubeTargetRef, inUse: () => readonly KubeTargetRef[]) => {
  const on = (namespace: string): KubeBundle => targets.bundle(targetOf(namespace));
  const cluster: ClusterClient = {
    apply: (manifests, options) => {
      const first = manifests[0];
      const namespace = first === undefined ? "" : (first.metadata.namespace ?? first.metadata.name);
      return on(namespace).cluster.apply(manifests, options);
    },
    annotatePod: async (namespace, pod, annotations) => { await on(namespace).cluster.annotatePod?.(namespace, pod, annotations); },
    deleteByLabel: (namespace, selector, kinds) => on(namespace).cluster.deleteByLabel(namespace, selector, kinds),
    deleteNamespace: (name) => on(name).cluster.deleteNamespace(name),
    readNamespace: (name) => on(name).cluster.readNamespace(name),
    listNamespaces: (selector) => on("").cluster.listNamespaces(selector),
    watch: (namespace, selector, handlers) => on(namespace).cluster.watch(namespace, selector, handlers),
    followLog: (p) => on(p.namespace).cluster.followLog(p),
    readLog: (p) => on(p.namespace).cluster.readLog(p),
    podEvents: (namespace, pod) => on(namespace).cluster.podEvents(namespace, pod),
    portForward: (target, socket) => on(target.namespace).cluster.portForward(target, socket),
    dropSpareForwards: (namespace, remotePort) => on(namespace).cluster.dropSpareForwards(namespace, remotePort),
    async ping() {
      const refs = inUse();
      const seen = new Set<string>();
      for (const ref of refs.length > 0 ? refs : [targetOf("")]) {
        let bundle: KubeBundle;
        try {
          bundle = targets.bundle(ref);
        } catch {
          // A project whose kubeconfig is gone or broken: its own calls say so; it does not make the others unreachable.
          continue;
        }
        const key = `${bundle.target.kubeconfig}\n${bundle.target.context}`;
        if (seen.has(key)) continue;
        seen.add(key);
        try {
          await bundle.cluster.ping();
        } catch (error) {
          if (error instanceof ClusterError) throw new ClusterError(`context ${bundle.target.context}: ${error.message}`, error.transient, error.status);
          throw error;
        }
      }
    },
  };
  const exec: KubeExec = (target, command, options) => on(target.namespace).exec(target, command, options);
  const openStream: KubeExecStreamOpener = (target, command) => on(target.namespace).openStream(target, command);
  const podUid: KubeBundle["podUid"] = (pod) => on(pod.namespace).podUid(pod);
  const readPod: KubeBundle["readPod"] = (pod) => on(pod.namespace).readPod(pod);
  return { cluster, exec, openStream, podUid, readPod };
};

/**
 * Which target a namespace belongs to: the project that uses it (now, requested, or before `ns use`), under the
 * kubeconfig and context its `up` pinned; else the daemon's own (a project restored from an older state.json).
 */
export const projectTargets = (projects: () => Readonly<Record<string, ProjectState>>, fallback: KubeTargetRef) => {
  const refOf = (p: ProjectState): KubeTargetRef => {
    const kubeconfig = p.request.kubeconfig ?? fallback.kubeconfig;
    const context = p.request.context ?? (p.request.kubeconfig === undefined ? fallback.context : undefined);
    return { ...(kubeconfig === undefined ? {} : { kubeconfig }), ...(context === undefined ? {} : { context }) };
  };
  const projectIn = (namespace: string): ProjectState | undefined =>
    Object.values(projects()).find((p) => p.loaded?.namespace === namespace || p.request.namespace === namespace || p.previousNamespaces.includes(namespace));
  return {
    /** The project that uses the namespace (now, requested, or before `ns use`). */
    projectIn,
    targetOf: (namespace: string): KubeTargetRef => {
      const owner = projectIn(namespace);
      return owner === undefined ? fallback : refOf(owner);
    },
    inUse: (): readonly KubeTargetRef[] => Object.values(projects()).map(refOf),
  };
};
