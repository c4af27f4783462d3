/**
 * File watching as the engine sees it: roots in, coalesced batches out. The real one is
 * adapters/chokidar-watcher.ts; fakes/fake-file-watcher.ts lets tests emit batches by hand.
 */
import type { ChangeBatch } from "../sync/batcher.js";
import type { PathFilter } from "../sync/path-filter.js";

export interface WatchRoot {
  /** Stable id carried on every event (e.g. "web:watch[0]" or "web:build"). */
  readonly id: string;
  /** Absolute directory (or file) to watch. */
  readonly path: string;
  /** Paths (relative to `path`) that take part; all when absent. Ignored directories are not even walked. */
  readonly filter?: PathFilter;
}

export interface WatchHandlers {
  readonly onBatch: (batch: ChangeBatch) => void;
  /** A watch problem worded for a human (e.g. too many inotify watches); watching goes on where it can. */
  readonly onError: (message: string) => void;
}

export interface WatchSession {
  /** ms from watch() to the initial scan being complete. */
  readonly readyMs: number;
  /** Closes the open batch now. */
  flush(): void;
  close(): Promise<void>;
}

export interface FileWatcher {
  /** Resolves once the initial scan is done: from then on no change is missed. */
  watch(roots: readonly WatchRoot[], handlers: WatchHandlers): Promise<WatchSession>;
}
