/**
 * The pull-back's cursor per pod and writable bind (engine/live/pull-back.ts): the container's clock at the last look
 * for what it created or changed, or stopped (the pod's image cannot answer: no GNU find, say) so the bind is not
 * looked at again.
 */
export interface PullCursors {
  /** The container's clock at the last look; undefined before the first. */
  since(pod: string, ruleId: string): number | undefined;
  set(pod: string, ruleId: string, since: number): void;
  /** The bind is not looked at again. */
  stop(pod: string, ruleId: string): void;
  stopped(pod: string, ruleId: string): boolean;
  /** Forgets the cursors of pods that are gone. */
  prune(existing: ReadonlySet<string>): void;
}

export const createPullCursors = (): PullCursors => {
  const cursors = new Map<string, number>();
  const key = (pod: string, ruleId: string): string => `${pod}\0${ruleId}`;
  return {
    since: (pod, ruleId) => cursors.get(key(pod, ruleId)),
    set: (pod, ruleId, since) => { cursors.set(key(pod, ruleId), since); },
    stop: (pod, ruleId) => { cursors.set(key(pod, ruleId), Number.NaN); },
    stopped: (pod, ruleId) => Number.isNaN(cursors.get(key(pod, ruleId))),
    prune(existing) {
      for (const k of [...cursors.keys()]) if (!existing.has(k.slice(0, k.indexOf("\0")))) cursors.delete(k);
    },
  };
};
