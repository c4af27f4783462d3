/**
 * The FileWatcher over chokidar 4: one chokidar instance per root, its `ignored` driven by the root's
 * PathFilter (ignored directories are never walked), events coalesced by the pure batcher.
 */
import path from "node:path";
import type { Stats } from "node:fs";
import type { FSWatcher } from "chokidar";
import { watch } from "chokidar";
import type { Clock } from "../clock/clock.js";
import type { FileWatcher, WatchHandlers, WatchRoot, WatchSession } from "../ports/file-watcher.js";
import type { BatchTiming, FileEventKind } from "../sync/batcher.js";
import type { PathFilter } from "../sync/path-filter.js";
import { createWatchDelivery, describeWatchError } from "./watch-delivery.js";

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


export const createChokidarWatcher = ({ clock, timing }: ChokidarWatcherParams): FileWatcher => ({
  async watch(roots: readonly WatchRoot[], handlers: WatchHandlers): Promise<WatchSession> {
    const started = performance.now();
    const { batcher, delivered } = createWatchDelivery({ roots, handlers, clock, ...(timing ? { timing } : {}) });
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
        await delivered();
      },
    };
  },
});
