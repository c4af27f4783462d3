/** An in-memory FileWatcher: tests call emit() to deliver a batch to the current session. */
import type { ChangeBatch, FileEvent } from "../../sync/batcher.js";
import type { FileWatcher, WatchHandlers, WatchRoot, WatchSession } from "../file-watcher.js";

export interface FakeFileWatcher extends FileWatcher {
  /** The roots of the open session, or [] when none is open. */
  readonly roots: readonly WatchRoot[];
  readonly open: boolean;
  emit(events: readonly FileEvent[], at?: number): void;
  error(message: string): void;
}

export const createFakeFileWatcher = (): FakeFileWatcher => {
  let handlers: WatchHandlers | undefined;
  let roots: readonly WatchRoot[] = [];
  return {
    get roots() { return roots; },
    get open() { return handlers !== undefined; },
    watch(r: readonly WatchRoot[], h: WatchHandlers): Promise<WatchSession> {
      roots = r;
      handlers = h;
      return Promise.resolve({
        readyMs: 0,
        flush: () => undefined,
        close: () => { handlers = undefined; roots = []; return Promise.resolve(); },
      });
    },
    emit(events, at = 0) {
      const batch: ChangeBatch = { events, firstEventAt: at, lastEventAt: at, closedAt: at, closedBy: "flush", storm: false };
      handlers?.onBatch(batch);
    },
    error(message) { handlers?.onError(message); },
  };
};
