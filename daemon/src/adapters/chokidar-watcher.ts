/**
 * The FileWatcher over chokidar 4: one chokidar instance per root, its `ignored` driven by the root's
 * PathFilter (ignored directories are never walked), events coalesced by the pure batcher.
 */
import path from "node:path";
import type { Stats } from "node:fs";
import type { FSWatcher } from "chokidar";
import { watch } from "chokidar";
import type { Clock } from "../ports/clock.js";
import type { FileWatcher, WatchHandlers, WatchRoot, WatchSession } from "../ports/file-watcher.js";
import type { BatchTiming, ChangeBatch, FileEvent, FileEventKind } from "../sync/batcher.js";
import { createBatcher } from "../sync/batcher.js";
import { ioDrainingClock } from "./io-draining-clock.js";
import { walkRoot } from "../sync/local-scan.js";
import type { PathFilter } from "../sync/path-filter.js";

export interface ChokidarWatcherParams {
  readonly clock: Clock;
  readonly timing?: BatchTiming;
}

const eventKinds: ReadonlySet<string> = new Set<FileEventKind>(["add", "change", "unlink", "addDir", "unlinkDir"]);

/** chokidar's `ignored` for one root: unknown kind (no stats yet) is ignored only when excluded both as file and as directory. */
const ignoredFor = (root: string, filter: PathFilter) => (p: string, stats?: Stats): boolean => {
  const rel = path.relative(root, p);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return false;
  const posix = rel.split(path.sep).join("/");
  if (stats === undefined) return !filter(posix, false) && !filter(posix, true);
  return !filter(posix, stats.isDirectory());
};

export const describeWatchError = (root: string, err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOSPC") return `watching ${root}: the system's inotify watch limit is reached; raise fs.inotify.max_user_watches or ignore large directories (node_modules, build output)`;
  if (e.code === "EMFILE") return `watching ${root}: too many open files; raise the open-file limit (ulimit -n) or ignore large directories`;
  if (e.code === "EACCES" || e.code === "EPERM") return `watching ${root}: permission denied on ${e.path ?? "a path"}`;
  return `watching ${root}: ${e.message}`;
};

/**
 * Files written into a new directory before chokidar watches it can go unreported (measured: a few of
 * 5,000 on a loaded machine). Before a batch is delivered, every directory it adds is walked and the
 * files found there join the batch as `add` events.
 */
export const completeNewDirectories = async (batch: ChangeBatch, roots: ReadonlyMap<string, WatchRoot>): Promise<ChangeBatch> => {
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
  return extra.length === 0 ? batch : { ...batch, events: [...batch.events, ...extra] };
};

export const createChokidarWatcher = ({ clock, timing }: ChokidarWatcherParams): FileWatcher => ({
  async watch(roots: readonly WatchRoot[], handlers: WatchHandlers): Promise<WatchSession> {
    const started = performance.now();
    const byId = new Map(roots.map((r) => [r.id, r]));
    // Batches are completed asynchronously but delivered strictly in order.
    let delivery = Promise.resolve();
    const deliver = (batch: ChangeBatch): void => {
      delivery = delivery
        .then(async () => handlers.onBatch(await completeNewDirectories(batch, byId)))
        .catch((err: unknown) => {
          handlers.onError(`completing a batch of ${batch.events.length} paths: ${err instanceof Error ? err.message : String(err)}`);
          handlers.onBatch(batch);
        });
    };
    const batcher = createBatcher({ clock: ioDrainingClock(clock), onBatch: deliver, ...(timing ? { timing } : {}) });
    const watchers: FSWatcher[] = [];
    await Promise.all(roots.map(async (root) => {
      const abs = path.resolve(root.path);
      const w = watch(abs, {
        ignoreInitial: true,
        followSymlinks: false,
        // Our own handling of atomic saves: the sync reads the disk, so unlink+add needs no delay.
        atomic: false,
        ...(root.filter ? { ignored: ignoredFor(abs, root.filter) } : {}),
      });
      watchers.push(w);
      w.on("all", (event, p) => {
        if (eventKinds.has(event)) batcher.push({ rootId: root.id, path: path.resolve(p), kind: event as FileEventKind });
      });
      w.on("error", (err) => handlers.onError(describeWatchError(abs, err)));
      await new Promise<void>((resolve) => w.once("ready", resolve));
    }));
    const readyMs = performance.now() - started;
    return {
      readyMs,
      flush: () => batcher.flush(),
      close: async () => {
        await Promise.allSettled(watchers.map((w) => w.close()));
        batcher.dispose();
        await delivery;
      },
    };
  },
});
