/**
 * Which pods the live loop has taken in hand (engine/controllers/sync-controller.ts), as one named state object
 * instead of four sets in the controller's closure:
 *
 * - known:   running pods reconciled, or queued for it; a pod not known is reconciled when it runs (a new pod, every
 *            pod after a daemon restart, a pod whose sync failed).
 * - backoff: pods whose reconcile or bind fill failed for a transient reason; they wait for the retry tick (the
 *            controller's 2 s timer calls clearBackoff) before the next try, so an unreachable apiserver is not retried
 *            as fast as each attempt fails.
 * - bound:   pods whose bind mounts were filled in their devloop-bind init container, or queued for it (also early:
 *            before the pod's status says devloop-bind runs, once per pod).
 * - filled:  pods filled at bind time and not reconciled since: their manifests say what they hold, so their first
 *            reconcile only sends the edits made since.
 * - ended:   `devloop run` pods whose command ended, given their last look (once each).
 */
export interface PodTracker {
  /** A running pod to reconcile: true (and known from now on) unless it is known already or backing off. */
  takeRunning(pod: string): boolean;
  /** A pod waiting in devloop-bind to fill: true (and bound from now on) unless it is bound already or backing off. */
  takeBinding(pod: string): boolean;
  /**
   * A pod about to start devloop-bind (not reported running yet): true (and bound) the first time only, unless bound
   * already or backing off. When the early fill cannot get in (earlyMissed), the pod is filled once reported running.
   */
  takeEarly(pod: string): boolean;
  /** The early fill did not get into the pod: unbound, so the running pod is taken again (never early again). */
  earlyMissed(pod: string): void;
  /** A `devloop run` pod whose command ended: true the first time only. */
  takeEnded(pod: string): boolean;
  /** A resync request: the pod is reconciled again, backing off or not. */
  resync(pod: string): void;
  isKnown(pod: string): boolean;
  isBound(pod: string): boolean;
  /** What the pod holds is unknown (its sync failed, it stopped running): reconcile it when it runs (again). */
  forget(pod: string): void;
  /** Its reconcile failed for a transient reason: forgotten, and left alone until the retry tick. */
  reconcileFailed(pod: string): void;
  /** Its bind fill failed for a transient reason: filled again after the retry tick. */
  bindFailed(pod: string): void;
  /** The retry tick: pods backing off may be tried again. */
  clearBackoff(): void;
  markFilled(pod: string): void;
  wasFilled(pod: string): boolean;
  /** Its first reconcile ran: from now on a reconcile compares with the pod. */
  reconciled(pod: string): void;
  /**
   * After each look at the pods: bound pods neither binding nor running, filled pods that are gone, and known pods no
   * longer running are forgotten. Returns the known pods forgotten (what they held is forgotten with them).
   */
  prune(running: ReadonlySet<string>, binding: ReadonlySet<string>, existing: ReadonlySet<string>): string[];
}

export const createPodTracker = (): PodTracker => {
  const known = new Set<string>();
  const backoff = new Set<string>();
  const bound = new Set<string>();
  const filled = new Set<string>();
  const early = new Set<string>();
  const ended = new Set<string>();
  const take = (set: Set<string>, pod: string): boolean => {
    if (set.has(pod) || backoff.has(pod)) return false;
    set.add(pod);
    return true;
  };
  return {
    takeRunning: (pod) => take(known, pod),
    takeBinding: (pod) => take(bound, pod),
    takeEarly: (pod) => {
      if (early.has(pod) || bound.has(pod) || backoff.has(pod)) return false;
      early.add(pod);
      bound.add(pod);
      return true;
    },
    earlyMissed: (pod) => { bound.delete(pod); },
    takeEnded: (pod) => {
      if (ended.has(pod)) return false;
      ended.add(pod);
      return true;
    },
    resync: (pod) => { known.add(pod); },
    isKnown: (pod) => known.has(pod),
    isBound: (pod) => bound.has(pod),
    forget: (pod) => { known.delete(pod); },
    reconcileFailed(pod) { known.delete(pod); backoff.add(pod); },
    bindFailed(pod) { bound.delete(pod); backoff.add(pod); },
    clearBackoff: () => backoff.clear(),
    markFilled: (pod) => { filled.add(pod); },
    wasFilled: (pod) => filled.has(pod),
    reconciled: (pod) => { filled.delete(pod); },
    prune(running, binding, existing) {
      for (const pod of [...bound]) if (!binding.has(pod) && !running.has(pod)) bound.delete(pod);
      for (const pod of [...filled]) if (!existing.has(pod)) filled.delete(pod);
      for (const pod of [...early]) if (!existing.has(pod)) early.delete(pod);
      for (const pod of [...ended]) if (!existing.has(pod)) ended.delete(pod);
      const gone = [...known].filter((pod) => !running.has(pod));
      for (const pod of gone) known.delete(pod);
      return gone;
    },
  };
};
