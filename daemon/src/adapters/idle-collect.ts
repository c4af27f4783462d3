/**
 * A full garbage collection once the daemon has been quiet for a moment after a big streamed payload (issue 15
 * item 7). A 200 MiB file or a bind's fill passes through the daemon in frames (sync/tar-pack-stream.ts): the peak
 * stays low, but the frames, zlib's buffers and the exec's queue leave dead memory that an idle process, allocating
 * almost nothing, does not collect for minutes (RSS 1.05–1.22× its baseline 30 s after, docs/benchmarks.md). One
 * major GC once it is quiet hands it back. `collect` is `globalThis.gc` when Node runs with --expose-gc
 * (api/daemon-process.ts); without it this does nothing.
 */
export interface IdleCollector {
  /** A big payload just went: collect once nothing else big has gone for `quietMs`. */
  readonly afterBigPayload: () => void;
  readonly close: () => void;
}

export interface IdleCollectorParams {
  readonly collect: (() => void) | undefined;
  /** Default 2 s. */
  readonly quietMs?: number;
  readonly setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
  readonly clearTimer?: (timer: unknown) => void;
}

export const createIdleCollector = ({ collect, quietMs = 2_000, setTimer = setTimeout, clearTimer = (t) => clearTimeout(t as NodeJS.Timeout) }: IdleCollectorParams): IdleCollector => {
  let timer: unknown;
  const cancel = (): void => {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
  };
  return {
    afterBigPayload: () => {
      if (collect === undefined) return;
      cancel();
      const t = setTimer(() => {
        timer = undefined;
        collect();
      }, quietMs);
      t.unref?.();
      timer = t;
    },
    close: cancel,
  };
};

/** `globalThis.gc` when the process was started with --expose-gc. */
export const exposedGc = (): (() => void) | undefined => {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? () => void (gc as () => unknown)() : undefined;
};
