/**
 * NodeVolumes for engine tests: every target is one volume directory (or none, `away`: a pod not on this machine,
 * found only never), found once `release()` is called when `held`; chowns are recorded, nothing touches a disk.
 */
import type { NodeVolume, NodeVolumes } from "../node-volumes.js";

export interface FakeNodeVolumes extends NodeVolumes {
  readonly chowns: readonly (readonly [string, number, number])[];
  /** Lets a held find resolve. */
  release(): void;
}

export const createFakeNodeVolumes = (volume: NodeVolume, opts: { readonly away?: boolean; readonly held?: boolean } = {}): FakeNodeVolumes => {
  const chowns: [string, number, number][] = [];
  let release = (): void => undefined;
  const gate = opts.held === true ? new Promise<void>((r) => { release = r; }) : Promise.resolve();
  return {
    chowns,
    release: () => release(),
    here: () => true,
    find: async (_pod, targets, signal) => {
      if (opts.away === true) {
        // Never found: resolves undefined once the caller gives up (the container ran and it was not here).
        await new Promise<void>((r) => { if (signal.aborted) r(); else signal.addEventListener("abort", () => r()); });
        return undefined;
      }
      await gate;
      return new Map(targets.map((t) => [t, volume]));
    },
    chown: (dir, uid, gid) => { chowns.push([dir, uid, gid]); return Promise.resolve(); },
  };
};
