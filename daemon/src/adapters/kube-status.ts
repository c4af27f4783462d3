/**
 * Raw Kubernetes objects (as JSON) → the small ObservedObject summaries the engine reasons about.
 * Pure, so it is unit-tested without a cluster.
 */
import type { ObservedObject } from "../ports/cluster.js";
import { isBindWaitProbe } from "../translate/bind-mounts.js";

interface Raw {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number; deletionTimestamp?: unknown; ownerReferences?: { name?: string }[] };
  spec?: { replicas?: number };
  status?: Record<string, unknown>;
}

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface RawContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: { running?: unknown; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; message?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; message?: string; exitCode?: number } };
}

type LastExit = NonNullable<NonNullable<ObservedObject["pod"]>["lastExit"]>;

/** An app container's latest exit: the termination it is in now, else the one before its last restart. */
const lastExitOf = (c: RawContainerStatus): LastExit | undefined => {
  const now = c.state?.terminated;
  const last = now ?? (c.restartCount !== undefined && c.restartCount > 0 ? c.lastState?.terminated : undefined);
  if (last?.exitCode === undefined) return undefined;
  const message = last.message?.trim();
  return { container: c.name ?? "", exitCode: last.exitCode, reason: last.reason ?? (last.exitCode === 0 ? "Completed" : "Error"), ...(message ? { message } : {}), now: now !== undefined };
};

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

export const summarize = (kind: ObservedObject["kind"], raw: unknown): ObservedObject => {
  const o = raw as Raw;
  const md = o.metadata ?? {};
  const base = {
    kind,
    name: md.name ?? "",
    namespace: md.namespace ?? "",
    labels: md.labels ?? {},
    ...(md.annotations?.["devloop.dev/input-hash"] === undefined ? {} : { inputHash: md.annotations["devloop.dev/input-hash"] }),
  };
  const status = o.status ?? {};
  if (kind === "Deployment" || kind === "StatefulSet") {
    const conditions = (status["conditions"] as RawCondition[] | undefined) ?? [];
    const failure = conditions.find((c) => (c.type === "ReplicaFailure" && c.status === "True") || (c.type === "Progressing" && c.status === "False"));
    return {
      ...base,
      ...(failure ? { problem: [failure.reason, failure.message].filter(Boolean).join(": ") } : {}),
      replicas: {
        desired: o.spec?.replicas ?? 1,
        current: num(status["replicas"]),
        updated: num(status["updatedReplicas"]),
        ready: num(status["readyReplicas"]),
        observedCurrent: num(status["observedGeneration"]) >= (md.generation ?? 0),
      },
    };
  }
  if (kind === "DaemonSet") {
    // One pod per matching node: desiredNumberScheduled is the DaemonSet's replicas (it has no failure conditions; its pods say).
    return {
      ...base,
      replicas: {
        desired: num(status["desiredNumberScheduled"]),
        current: num(status["currentNumberScheduled"]),
        updated: num(status["updatedNumberScheduled"]),
        ready: num(status["numberReady"]),
        observedCurrent: num(status["observedGeneration"]) >= (md.generation ?? 0),
      },
    };
  }
  if (kind === "Job") {
    const conditions = (status["conditions"] as RawCondition[] | undefined) ?? [];
    const complete = conditions.some((c) => (c.type === "Complete" || c.type === "SuccessCriteriaMet") && c.status === "True");
    const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
    return {
      ...base,
      job: {
        active: num(status["active"]),
        succeeded: complete,
        failed: failed !== undefined,
        ...(failed ? { message: [failed.reason, failed.message].filter(Boolean).join(": ") } : {}),
      },
    };
  }
  const containers = [...((status["initContainerStatuses"] as RawContainerStatus[] | undefined) ?? []), ...((status["containerStatuses"] as RawContainerStatus[] | undefined) ?? [])];
  const conditions = (status["conditions"] as RawCondition[] | undefined) ?? [];
  let reason: string | undefined;
  let message: string | undefined;
  let exitCode: number | undefined;
  for (const c of containers) {
    const waiting = c.state?.waiting;
    const terminated = c.state?.terminated;
    if (waiting?.reason !== undefined && waiting.reason !== "ContainerCreating" && waiting.reason !== "PodInitializing") {
      reason = waiting.reason;
      message = waiting.message;
      exitCode = c.lastState?.terminated?.exitCode;
      break;
    }
    if (terminated !== undefined && terminated.exitCode !== 0) {
      reason = terminated.reason ?? "Error";
      message = terminated.message;
      exitCode = terminated.exitCode;
      break;
    }
  }
  const unschedulable = conditions.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (reason === undefined && unschedulable) {
    reason = unschedulable.reason ?? "Unschedulable";
    message = unschedulable.message;
  }
  const spec = (raw as { spec?: { containers?: { name?: string; readinessProbe?: unknown }[] } }).spec;
  const specContainers = (spec?.containers ?? []).map((c) => c.name ?? "");
  const app = (status["containerStatuses"] as RawContainerStatus[] | undefined) ?? [];
  // The app container that exited last (a crash loop's current or previous run): exit code, reason (Error, OOMKilled).
  const lastExit = app.map(lastExitOf).find((e) => e !== undefined);
  const running = app.length > 0 && app.length >= specContainers.length && app.every((c) => c.state?.running !== undefined);
  const owner = md.ownerReferences?.[0]?.name;
  // Init containers running now (e.g. devloop-bind, waiting for the bind-mounted source).
  const initStatuses = (status["initContainerStatuses"] as RawContainerStatus[] | undefined) ?? [];
  const initRunning = initStatuses.filter((c) => c.state?.running !== undefined).map((c) => c.name ?? "");
  // The init container the kubelet starts next on a scheduled pod (every one before it done): it may run already while
  // the status still says waiting, since the kubelet reports what it started on its next relist (up to a second later).
  const podSpec = (raw as { spec?: { nodeName?: string; initContainers?: { name?: string }[] } }).spec;
  const initNext = podSpec?.nodeName && status["phase"] === "Pending" && initRunning.length === 0
    ? (podSpec.initContainers ?? []).map((c) => c.name ?? "").find((name) => initStatuses.find((c) => c.name === name)?.state?.terminated?.exitCode !== 0)
    : undefined;
  // App containers that wait for their bind fill themselves (engine/bind-wait.ts): running but not started (the ready
  // file's startupProbe has not passed), or about to start on a scheduled pod whose init containers all ended with 0.
  const waitSpecs = ((raw as { spec?: { containers?: { name?: string; startupProbe?: unknown }[] } }).spec?.containers ?? []).filter((c) => isBindWaitProbe(c.startupProbe)).map((c) => c.name ?? "");
  const statusOf = (name: string): RawContainerStatus | undefined => app.find((c) => c.name === name);
  const bindWaiting = waitSpecs.filter((name) => statusOf(name)?.state?.running !== undefined && statusOf(name)?.started !== true);
  const initsDone = (podSpec?.initContainers ?? []).every((ic) => initStatuses.find((c) => c.name === ic.name)?.state?.terminated?.exitCode === 0);
  const bindNext = podSpec?.nodeName && initsDone
    ? waitSpecs.filter((name) => statusOf(name)?.state?.running === undefined && statusOf(name)?.state?.terminated === undefined && (statusOf(name)?.restartCount ?? 0) === 0)
    : [];
  return {
    ...base,
    pod: {
      phase: typeof status["phase"] === "string" ? status["phase"] : "Unknown",
      ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
      restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
      ...(owner === undefined ? {} : { ownerName: owner }),
      ...(reason === undefined ? {} : { reason }),
      ...(message === undefined ? {} : { message }),
      ...(exitCode === undefined ? {} : { exitCode }),
      containers: specContainers,
      running,
      probed: (spec?.containers ?? []).some((c) => c.readinessProbe !== undefined),
      ...(lastExit === undefined ? {} : { lastExit }),
      ...(initRunning.length > 0 ? { initRunning } : {}),
      ...(initNext === undefined ? {} : { initNext }),
      ...(waitSpecs.length > 0 ? { bindWaits: waitSpecs } : {}),
      ...(bindWaiting.length > 0 ? { bindWaiting } : {}),
      ...(bindNext.length > 0 ? { bindNext } : {}),
      deleting: md.deletionTimestamp !== undefined && md.deletionTimestamp !== null,
    },
  };
};
