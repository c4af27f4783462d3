/**
 * The FileWatcher over node:fs.watch with one watch per DIRECTORY: on Linux an inotify watch on a directory reports
 * every entry created, changed, moved or deleted in it, so per-file watches (what chokidar 4 sets up, one inotify
 * watch and one FSWatcher per file) are not needed. On a 100k-file tree that is the difference between seconds and
 * minutes of start-up and a few MB against ~700 MB (docs/benchmarks.md, P4). The daemon uses it on Linux; chokidar
 * stays the watcher elsewhere.
 *
 * Each raw event is looked at on disk (lstat): a directory → addDir (and its subtree is watched; its files join the
 * batch through completeNewDirectories), a file or symlink → add/change, gone → unlink (unlinkDir, and its watches
 * closed, when it was a watched directory). Kinds are hints: the sync reads the disk when it runs. The root's
 * PathFilter applies to every path; ignored directories are never walked nor watched. Symlinks are not followed.
 */
import type { Dirent, FSWatcher } from "node:fs";
import { watch } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import type { Clock } from "../clock/clock.js";
import type { FileWatcher, WatchHandlers, WatchRoot, WatchSession } from "../ports/file-watcher.js";
import type { BatchTiming, FileEventKind } from "../sync/batcher.js";
import { createWatchDelivery, describeWatchError } from "./watch-delivery.js";

export interface DirWatcherParams {
  readonly clock: Clock;
  readonly timing?: BatchTiming;
}

const toPosix = (p: string): string => p.split(path.sep).join("/");
const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

export const createDirWatcher = ({ clock, timing }: DirWatcherParams): FileWatcher => ({
  async watch(roots: readonly WatchRoot[], handlers: WatchHandlers): Promise<WatchSession> {
    const started = performance.now();
    const { batcher, delivered } = createWatchDelivery({ roots, handlers, clock, ...(timing ? { timing } : {}) });
    /** Watched directory (absolute) → its watcher, per root id. */
    const watched = new Map<string, Map<string, FSWatcher>>();
    let closed = false;

    const push = (root: WatchRoot, abs: string, kind: FileEventKind): void => {
      if (!closed) batcher.push({ rootId: root.id, path: abs, kind });
    };

    const unwatchTree = (root: WatchRoot, dir: string): void => {
      const mine = watched.get(root.id);
      if (mine === undefined) return;
      for (const [d, w] of mine) {
        if (d === dir || d.startsWith(`${dir}${path.sep}`)) {
          w.close();
          mine.delete(d);
        }
      }
    };

    const relOf = (base: string, abs: string): string => toPosix(path.relative(base, abs));

    /** Looks at one raw event's path on disk and reports it. `only`: a file root's file. */
    const onRaw = (root: WatchRoot, base: string, dir: string, name: string | null, only?: string): void => {
      if (name === null) return;
      const abs = path.join(dir, name);
      if (only !== undefined && abs !== only) return;
      const rel = only !== undefined ? "" : relOf(base, abs);
      // Counted at once (what it is comes from lstat, later), so the batch stays open while events are being read.
      if (!root.filter || rel === "" || root.filter(rel, false) || root.filter(rel, true)) push(root, abs, "change");
      void lstat(abs).then(
        (st) => {
          const isDir = st.isDirectory();
          if (root.filter && rel !== "" && !root.filter(rel, isDir)) return;
          if (!isDir) {
            push(root, abs, "change");
            return;
          }
          if (watched.get(root.id)?.has(abs)) return;
          push(root, abs, "addDir");
          void watchTree(root, base, abs).catch((err: unknown) => handlers.onError(describeWatchError(abs, err)));
        },
        (err: unknown) => {
          if (errCode(err) !== "ENOENT" && errCode(err) !== "ENOTDIR") return;
          if (watched.get(root.id)?.has(abs)) {
            unwatchTree(root, abs);
            push(root, abs, "unlinkDir");
            return;
          }
          if (root.filter && rel !== "" && !root.filter(rel, false) && !root.filter(rel, true)) return;
          push(root, abs, "unlink");
        },
      );
    };

    const watchDir = (root: WatchRoot, base: string, dir: string, only?: string): void => {
      const mine = watched.get(root.id) ?? new Map<string, FSWatcher>();
      watched.set(root.id, mine);
      if (mine.has(dir) || closed) return;
      const w = watch(dir, { persistent: true }, (_event, name) => onRaw(root, base, dir, name, only));
      w.on("error", (err: unknown) => {
        // A watched directory that was deleted ends its watch; the parent reports the unlink.
        w.close();
        mine.delete(dir);
        if (errCode(err) !== "ENOENT" && errCode(err) !== "EPERM") handlers.onError(describeWatchError(dir, err));
      });
      mine.set(dir, w);
    };

    /** Watches dir and every directory below it that the filter keeps. */
    const watchTree = async (root: WatchRoot, base: string, dir: string): Promise<void> => {
      watchDir(root, base, dir);
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (errCode(err) === "ENOENT" || errCode(err) === "ENOTDIR") return;
        throw err;
      }
      await Promise.all(entries.filter((e) => e.isDirectory()).map(async (e) => {
        const abs = path.join(dir, e.name);
        if (root.filter && !root.filter(relOf(base, abs), true)) return;
        await watchTree(root, base, abs);
      }));
    };

    await Promise.all(roots.map(async (root) => {
      const base = path.resolve(root.path);
      try {
        const st = await lstat(base);
        if (st.isDirectory()) await watchTree(root, base, base);
        // A file root: its directory's watch reports it (under any name the editor's save dance uses).
        else watchDir(root, base, path.dirname(base), base);
      } catch (err) {
        handlers.onError(describeWatchError(base, err));
      }
    }));
    const readyMs = performance.now() - started;
    return {
      readyMs,
      flush: () => batcher.flush(),
      close: async () => {
        closed = true;
        for (const mine of watched.values()) for (const w of mine.values()) w.close();
        watched.clear();
        batcher.dispose();
        await delivered();
      },
    };
  },
});
