/**
 * What both FileWatchers share between their raw events and the engine: the batcher (on a clock whose quiet timers
 * wait for the next I/O poll), the completion of new directories, in-order delivery, and worded watch errors.
 */
import path from "node:path";
import type { Clock } from "../clock/clock.js";
import type { WatchHandlers, WatchRoot } from "../ports/file-watcher.js";
import type { BatchTiming, Batcher, ChangeBatch, FileEvent } from "../sync/batcher.js";
import { createBatcher, defaultBatchTiming } from "../sync/batcher.js";
import { walkRoot } from "../sync/local-scan.js";
import { ioDrainingClock } from "./io-draining-clock.js";

export const describeWatchError = (root: string, err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOSPC") return `watching ${root}: the system's inotify watch limit is reached; raise fs.inotify.max_user_watches or ignore large directories (node_modules, build output)`;
  if (e.code === "EMFILE") return `watching ${root}: too many open files; raise the open-file limit (ulimit -n) or ignore large directories`;
  if (e.code === "EACCES" || e.code === "EPERM") return `watching ${root}: permission denied on ${e.path ?? "a path"}`;
  return `watching ${root}: ${e.message}`;
};

/**
 * Files written into a new directory before the watcher watches it can go unreported (measured: a few of
 * 5,000 on a loaded machine). Before a batch is delivered, every directory it adds is walked and the
 * files found there join the batch as `add` events. A batch that grows to `stormEvents` paths that way is a storm
 * too: on a fast machine a checkout of new directories arrives as a few directory events, and the walk finds the
 * thousands of files (the storm flag asks the syncer for a rescan, the net for what the OS dropped).
 */
export const completeNewDirectories = async (
  batch: ChangeBatch,
  roots: ReadonlyMap<string, WatchRoot>,
  stormEvents: number = defaultBatchTiming.stormEvents,
): Promise<ChangeBatch> => {
  const known = new Set(batch.events.map((e) => e.path));
  const extra: FileEvent[] = [];
  for (const e of batch.events) {
    if (e.kind !== "addDir") continue;
    const root = roots.get(e.rootId);
    if (root === undefined) continue;
    const base = path.resolve(root.path);
    const rel = path.relative(base, e.path).split(path.sep).join("/");
    if (rel === "" || rel.startsWith("..")) continue;
    for (const file of await walkRoot(base, root.filter, rel)) {
      const abs = path.join(base, ...file.split("/"));
      if (!known.has(abs)) { known.add(abs); extra.push({ rootId: e.rootId, path: abs, kind: "add" }); }
    }
  }
  if (extra.length === 0) return batch;
  const events = [...batch.events, ...extra];
  return { ...batch, events, storm: batch.storm || events.length >= stormEvents };
};

export interface WatchDelivery {
  readonly batcher: Batcher;
  /** Resolves once every batch closed so far has been handed to onBatch. */
  readonly delivered: () => Promise<void>;
}

/** Batches are completed asynchronously but delivered strictly in order. */
export const createWatchDelivery = (params: { roots: readonly WatchRoot[]; handlers: WatchHandlers; clock: Clock; timing?: BatchTiming }): WatchDelivery => {
  const { handlers } = params;
  const byId = new Map(params.roots.map((r) => [r.id, r]));
  let delivery = Promise.resolve();
  const deliver = (batch: ChangeBatch): void => {
    delivery = delivery
      .then(async () => handlers.onBatch(await completeNewDirectories(batch, byId, params.timing?.stormEvents)))
      .catch((err: unknown) => {
        handlers.onError(`completing a batch of ${batch.events.length} paths: ${err instanceof Error ? err.message : String(err)}`);
        handlers.onBatch(batch);
      });
  };
  const batcher = createBatcher({ clock: ioDrainingClock(params.clock), onBatch: deliver, ...(params.timing ? { timing: params.timing } : {}) });
  return { batcher, delivered: () => delivery };
};
