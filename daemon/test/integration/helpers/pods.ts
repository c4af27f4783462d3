// Waiting on pods, with failures that say why (waiting reason, last events) instead of a bare timeout.
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { sleep } from "./namespace.js";
import { withinTest } from "./test-deadline.js";

/** Container waiting reasons that will not fix themselves: fail at once instead of at the timeout. */
const FATAL_REASONS = new Set([
  "ErrImageNeverPull",
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
  "CrashLoopBackOff",
]);

export interface WaitForPodParams {
  readonly namespace: string;
  readonly name: string;
  readonly timeoutMs?: number;
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Resolves with the pod once it reports Ready. */
export function waitForPodReady(kc: KubeConfig, params: WaitForPodParams): Promise<V1Pod> {
  return waitForPod(kc, params, "Ready", isPodReady);
}

/** Resolves with the pod once its phase is Succeeded; rejects on Failed. */
export function waitForPodSucceeded(kc: KubeConfig, params: WaitForPodParams): Promise<V1Pod> {
  return waitForPod(kc, params, "Succeeded", (pod) => {
    if (pod.status?.phase === "Failed") throw new Error(`pod ${params.namespace}/${params.name} failed: ${podSummary(pod)}`);
    return pod.status?.phase === "Succeeded";
  });
}

export async function waitForPod(
  kc: KubeConfig,
  params: WaitForPodParams,
  what: string,
  done: (pod: V1Pod) => boolean,
): Promise<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + withinTest(params.timeoutMs ?? 60_000);
  let last: V1Pod | undefined;
  for (;;) {
    try {
      last = await core.readNamespacedPod({ name: params.name, namespace: params.namespace });
      if (done(last)) return last;
      const fatal = fatalReason(last);
      if (fatal !== undefined) throw new PodWaitError(`pod ${params.namespace}/${params.name} cannot become ${what}: ${fatal}`);
    } catch (err) {
      if (err instanceof PodWaitError) throw err;
      if (err instanceof Error && err.message.startsWith("pod ")) throw err;
    }
    if (Date.now() > deadline) {
      const events = await recentEvents(kc, params).catch(() => "(events unavailable)");
      throw new PodWaitError(
        `pod ${params.namespace}/${params.name} not ${what} after ${params.timeoutMs ?? 60_000} ms: ` +
          `${last === undefined ? "never seen" : podSummary(last)}\n${events}`,
      );
    }
    await sleep(200);
  }
}

export class PodWaitError extends Error {
  override name = "PodWaitError";
}

function fatalReason(pod: V1Pod): string | undefined {
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const reason = s.state?.waiting?.reason;
    if (reason !== undefined && FATAL_REASONS.has(reason)) return `${s.name}: ${reason}: ${s.state?.waiting?.message ?? ""}`;
  }
  return undefined;
}

export function podSummary(pod: V1Pod): string {
  const containers = (pod.status?.containerStatuses ?? []).map((s) => {
    const st = s.state;
    const state = st?.running
      ? "running"
      : st?.waiting
        ? `waiting ${st.waiting.reason ?? ""}`
        : st?.terminated
          ? `terminated ${st.terminated.reason ?? ""} exit ${st.terminated.exitCode}`
          : "unknown";
    return `${s.name}=${state}${s.ready ? " ready" : ""}`;
  });
  return `phase ${pod.status?.phase ?? "?"}; ${containers.join(", ") || "no container status yet"}`;
}

async function recentEvents(kc: KubeConfig, params: WaitForPodParams): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const list = await core.listNamespacedEvent({
    namespace: params.namespace,
    fieldSelector: `involvedObject.name=${params.name}`,
  });
  return list.items
    .slice(-8)
    .map((e) => `  ${e.type ?? ""} ${e.reason ?? ""}: ${e.message ?? ""}`)
    .join("\n");
}
