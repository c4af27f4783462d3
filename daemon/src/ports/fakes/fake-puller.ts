/** A Puller for engine unit tests: records calls and answers what the test queued (nothing changed by default). */
import type { PullParams, PullResult, Puller } from "../puller.js";

export interface FakePuller extends Puller {
  readonly calls: readonly PullParams[];
  /** The next pull reports these paths as pulled (and those as conflicts, and that many left for later). */
  next(result: { readonly pulled?: readonly string[]; readonly conflicts?: readonly string[]; readonly deferred?: number }): void;
}

export const createFakePuller = (): FakePuller => {
  const calls: PullParams[] = [];
  const queued: { pulled?: readonly string[]; conflicts?: readonly string[]; deferred?: number }[] = [];
  let clock = 1_000;
  return {
    calls,
    next(result) { queued.push(result); },
    pull(params) {
      calls.push(params);
      const r = queued.shift() ?? {};
      clock += 2;
      const result: PullResult = { since: clock, pulled: r.pulled ?? [], conflicts: r.conflicts ?? [], deferred: r.deferred ?? 0, manifest: params.previous, ms: 1 };
      return Promise.resolve(result);
    },
  };
};
