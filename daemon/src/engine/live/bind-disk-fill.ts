/**
 * A bind's fill through this machine's disk (ports/node-volumes.ts), for a pod whose kubelet runs here: the tree is
 * written into the pod's emptyDir as soon as the kubelet has set it up, while the pod's sandbox and container start,
 * instead of through an exec once the container runs (docs/benchmarks.md: 20,000 files in 1.2 s against 2.7 s).
 *
 * The rest is the exec fill's (bind-fill.ts): the container still waits for the ready file, which is still created
 * through an exec, and once it exists devloop never writes into the volume from this machine again: edits and the
 * pull-back go through exec. Before the ready file, the container's first exec (the probe) says what it sees:
 *   - its user and group: the tree is given to them, as a `tar -x` run by that user in the container leaves it;
 *   - the inode of each target: unless it is the volume's, the container does not see this directory (a mount
 *     namespace of its own), and that bind is filled over exec after all, as is one whose writing here failed.
 */
import type { NodeVolume, NodeVolumes } from "../../ports/node-volumes.js";
import type { SyncPod, SyncResult } from "../../ports/syncer.js";
import { emptyManifest } from "../../sync/hash-manifest.js";
import type { LiveRule } from "../../translate/types.js";
import type { LiveDeps, Loop } from "./loop.js";
import { errorText } from "./loop.js";

/** The container's user, group, and the inode of each target (`ls -di`), as one exec prints them. */
export const diskProbeCommand = (targets: readonly string[]): string[] => ["/bin/sh", "-c", 'id -u && id -g && ls -di -- "$@"', "sh", ...targets];

export interface DiskProbe {
  readonly uid: number;
  readonly gid: number;
  readonly inodes: ReadonlyMap<string, number>;
}

/** diskProbeCommand's output; undefined when it is not that (no `id`, an `ls` that printed otherwise). */
export const parseDiskProbe = (stdout: string, targets: readonly string[]): DiskProbe | undefined => {
  const [u, g, ...rest] = stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  if (u === undefined || g === undefined || !/^\d+$/.test(u) || !/^\d+$/.test(g)) return undefined;
  const inodes = new Map<string, number>();
  for (const line of rest) {
    const m = /^(\d+)\s+(.+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && targets.includes(m[2])) inodes.set(m[2], Number(m[1]));
  }
  return { uid: Number(u), gid: Number(g), inodes };
};

export type BindRule = LiveRule & { readonly targetDir: string };

export interface DiskFill {
  /** While the trees are written: resolves once they are (or failed). Undefined before the volumes are found, and after. */
  writing(): Promise<void> | undefined;
  /** When the volumes were found and when the writing ended (the clock's ms), once it did. */
  times(): { readonly found: number; readonly written: number } | undefined;
  /**
   * The binds written here that the container sees (`probe` is diskProbeCommand's output), given to its user, by rule
   * id: the others are the exec's to fill. `notes` says why a bind was not filled here.
   */
  settle(probe: string | undefined): Promise<{ readonly results: ReadonlyMap<string, SyncResult>; readonly notes: readonly string[] }>;
  /** The pod is not filled now: stops looking for its volumes. */
  cancel(): void;
}

interface Written { readonly result: SyncResult; readonly volume: NodeVolume; readonly target: string }

/** Starts looking for the pod's bind volumes on this machine's disk, and writes each tree there once they are found. */
export const startDiskFill = (deps: LiveDeps, nodeVolumes: NodeVolumes, loop: Loop, pod: SyncPod, rules: readonly BindRule[]): DiskFill => {
  const abort = new AbortController();
  const notes: string[] = [];
  const targets = rules.map((r) => r.targetDir);
  let writing: Promise<void> | undefined;
  let times: { found: number; written: number } | undefined;

  const write = async (dirs: ReadonlyMap<string, NodeVolume>): Promise<Map<string, Written>> => {
    const out = new Map<string, Written>();
    for (const rule of rules) {
      const volume = dirs.get(rule.targetDir);
      if (volume === undefined) continue;
      const filter = loop.filters.get(rule.id);
      try {
        const result = await deps.syncer.fullSync({ pod, localRoot: rule.localRoot, targetDir: rule.targetDir, previous: emptyManifest, fresh: true, hostDir: volume.dir, ...(filter === undefined ? {} : { filter }) });
        out.set(rule.id, { result, volume, target: rule.targetDir });
      } catch (error) {
        notes.push(`${rule.targetDir}: not written on this machine's disk: ${errorText(error)}`);
      }
    }
    return out;
  };

  const written = nodeVolumes.find(pod, targets, abort.signal).then(
    (dirs) => {
      if (dirs === undefined) return new Map<string, Written>();
      const found = deps.clock.now();
      const work = write(dirs).finally(() => {
        writing = undefined;
        times = { found, written: deps.clock.now() };
      });
      writing = work.then(() => undefined);
      return work;
    },
    (error: unknown) => {
      notes.push(`cannot look for ${pod.pod}'s volumes on this machine's disk: ${errorText(error)}`);
      return new Map<string, Written>();
    },
  );

  return {
    writing: () => writing,
    times: () => times,
    async settle(probe) {
      // The container runs, so the kubelet has set its volumes up: a last look finds them, or they are not here.
      abort.abort();
      const done = await written;
      const results = new Map<string, SyncResult>();
      if (done.size === 0) return { results, notes };
      const seen = probe === undefined ? undefined : parseDiskProbe(probe, targets);
      if (seen === undefined) return { results, notes: [...notes, "the container did not say its user and what it sees at the targets: filled over exec"] };
      for (const [id, { result, volume, target }] of done) {
        if (seen.inodes.get(target) !== volume.inode) {
          notes.push(`${target}: the container does not see ${volume.dir}: filled over exec`);
          continue;
        }
        try {
          if (seen.uid !== 0 || seen.gid !== 0) await nodeVolumes.chown(volume.dir, seen.uid, seen.gid);
          results.set(id, result);
        } catch (error) {
          notes.push(`${target}: cannot give the tree to ${seen.uid}:${seen.gid}: ${errorText(error)}`);
        }
      }
      return { results, notes };
    },
    cancel() { abort.abort(); },
  };
};
