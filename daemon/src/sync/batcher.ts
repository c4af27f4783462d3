/**
 * Coalesces file events into batches: a batch closes after a quiet period with no new event, or when
 * it has been open for maxWaitMs (the cap), whichever comes first. Events for the same path collapse
 * to the latest one, keeping first-seen order. Pure apart from the injected clock.
 *
 * Nothing is lost by collapsing: the sync reads the disk when it runs, so the event kind is a hint
 * and the path is what matters.
 */
import type { Clock, Timer } from "../clock/clock.js";

export type FileEventKind = "add" | "change" | "unlink" | "addDir" | "unlinkDir";

export interface FileEvent {
  /** Which watched root the path belongs to (a watch rule or build context id). */
  readonly rootId: string;
  /** Absolute local path. */
  readonly path: string;
  readonly kind: FileEventKind;
}

export interface ChangeBatch {
  readonly events: readonly FileEvent[];
  /** Clock time of the first and last event, and when the batch was closed. */
  readonly firstEventAt: number;
  readonly lastEventAt: number;
  readonly closedAt: number;
  readonly closedBy: "quiet" | "cap" | "flush";
  /**
   * At least stormEvents paths. The OS may drop events in a storm (inotify queue overflow), so the
   * consumer should re-scan the whole root against its manifest rather than trust the path list.
   */
  readonly storm: boolean;
}


export interface BatcherParams {
  readonly clock: Clock;
  readonly onBatch: (batch: ChangeBatch) => void;
  readonly timing?: BatchTiming;
}

/**
 * Three tiers, by how many paths the open batch holds:
 * - an edit (< busyEvents paths): close after quietMs of silence, at most maxWaitMs after the first
 *   event; this is the tier the edit → serving latency depends on. While a path of the batch is last seen removed
 *   (an editor that renames the old file away before it writes the new one: vim's backup dance), the quiet is
 *   removalQuietMs, so that the pod is not sent the file's absence between the two steps;
 * - bulk (≥ busyEvents paths, or any directory added or removed: files usually follow), e.g. a
 *   formatter, a branch switch: busyQuietMs of silence, cap busyMaxWaitMs;
 * - a storm (≥ stormEvents, a checkout, npm install): stormQuietMs plus quietPerThousandMs per 1,000
 *   paths, cap stormMaxWaitMs, so that a storm whose events stall on a loaded machine is one batch.
 */
export interface BatchTiming {
  readonly quietMs?: number;
  readonly removalQuietMs?: number;
  readonly maxWaitMs?: number;
  readonly busyEvents?: number;
  readonly busyQuietMs?: number;
  readonly busyMaxWaitMs?: number;
  readonly stormEvents?: number;
  readonly stormQuietMs?: number;
  readonly quietPerThousandMs?: number;
  readonly stormMaxWaitMs?: number;
}

export const defaultBatchTiming: Required<BatchTiming> = {
  // An editor's save is a few system calls in a row, and the watcher counts a raw event before it looks at the path
  // on disk (adapters/dir-watcher.ts), so 10 ms of silence covers a save; the io-draining clock keeps a starved event
  // loop from closing a batch while events wait to be read. Every ms here is a ms of P1 (docs/benchmarks.md).
  quietMs: 10,
  removalQuietMs: 30,
  maxWaitMs: 1_000,
  busyEvents: 20,
  busyQuietMs: 250,
  busyMaxWaitMs: 5_000,
  stormEvents: 500,
  stormQuietMs: 500,
  quietPerThousandMs: 100,
  // A checkout on a loaded machine can take well over 15 s to write; syncing half of it helps nobody.
  stormMaxWaitMs: 60_000,
};

export interface Batcher {
  push(event: FileEvent): void;
  /** Closes the open batch now (if any). */
  flush(): void;
  readonly pending: number;
  dispose(): void;
}


export const createBatcher = (params: BatcherParams): Batcher => {
  const { clock, onBatch } = params;
  const t = { ...defaultBatchTiming, ...params.timing };
  let events = new Map<string, FileEvent>();
  let firstAt = 0;
  let lastAt = 0;
  let timer: Timer | undefined;
  let disposed = false;
  let sawDirectory = false;

  const close = (closedBy: ChangeBatch["closedBy"]): void => {
    if (timer !== undefined) { timer.cancel(); timer = undefined; }
    if (events.size === 0) return;
    const batch: ChangeBatch = {
      events: [...events.values()],
      firstEventAt: firstAt,
      lastEventAt: lastAt,
      closedAt: clock.now(),
      closedBy,
      storm: events.size >= t.stormEvents,
    };
    events = new Map();
    sawDirectory = false;
    onBatch(batch);
  };

  const arm = (): void => {
    timer?.cancel();
    const now = clock.now();
    const n = events.size;
    const tier = n >= t.stormEvents ? "storm" : n >= t.busyEvents || sawDirectory ? "busy" : "edit";
    const removal = tier === "edit" && [...events.values()].some((e) => e.kind === "unlink");
    const quiet = tier === "edit" ? (removal ? t.removalQuietMs : t.quietMs) : tier === "busy" ? t.busyQuietMs : t.stormQuietMs + Math.floor((n / 1000) * t.quietPerThousandMs);
    const cap = tier === "edit" ? t.maxWaitMs : Math.max(t.maxWaitMs, tier === "storm" ? t.stormMaxWaitMs : t.busyMaxWaitMs);
    const untilCap = firstAt + cap - now;
    if (untilCap <= 0) { timer = undefined; close("cap"); return; }
    const delay = Math.min(quiet, untilCap);
    const by: ChangeBatch["closedBy"] = quiet < untilCap ? "quiet" : "cap";
    timer = clock.setTimeout(() => { timer = undefined; close(by); }, delay);
  };

  return {
    push(event) {
      if (disposed) return;
      const now = clock.now();
      if (events.size === 0) firstAt = now;
      lastAt = now;
      if (event.kind === "addDir" || event.kind === "unlinkDir") sawDirectory = true;
      const key = `${event.rootId}\0${event.path}`;
      // Map.set on an existing key keeps its first-seen position; the latest kind wins.
      events.set(key, event);
      arm();
    },
    flush() { close("flush"); },
    get pending() { return events.size; },
    dispose() {
      disposed = true;
      timer?.cancel();
      timer = undefined;
      events = new Map();
      sawDirectory = false;
    },
  };
};
