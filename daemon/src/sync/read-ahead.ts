/**
 * Pulls a chunk stream ahead of its consumer, up to a byte budget: a bind's fill packs (reads, hashes, tars, gzips)
 * while its pod is still being scheduled and started, so the exec that carries it, once it can start, begins with
 * what is ready instead of waiting on the packer (tar-syncer.ts prepareFull). Pulling stops at the budget or when the
 * consumer takes over; the consumer gets the buffered chunks, then the rest of the stream, in order. A failure while
 * pulling ahead reaches the consumer after the chunks before it, as it would have.
 */
export interface ReadAhead {
  /** The stream, buffered part first. Take it once. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Bytes pulled ahead and not yet taken (tests, memory accounting). */
  readonly buffered: () => number;
  /** Stops pulling and ends the source (its files closed) when the stream is not wanted after all. */
  cancel(): void;
}

export const readAhead = (source: AsyncIterable<Buffer>, maxBytes: number): ReadAhead => {
  const it = source[Symbol.asyncIterator]();
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let taken = false;
  let failure: { readonly error: unknown } | undefined;
  const pulling = (async () => {
    while (!taken && queued < maxBytes) {
      const next = await it.next();
      if (next.done === true) { ended = true; return; }
      queue.push(next.value);
      queued += next.value.length;
    }
  })().catch((error: unknown) => { failure = { error }; });
  async function* chunks(): AsyncGenerator<Buffer> {
    taken = true;
    await pulling;
    while (queue.length > 0) {
      const chunk = queue.shift() as Buffer;
      queued -= chunk.length;
      yield chunk;
    }
    if (failure !== undefined) throw failure.error;
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  return {
    chunks: chunks(),
    buffered: () => queued,
    cancel() {
      taken = true;
      queue.length = 0;
      queued = 0;
      void pulling.then(() => it.return?.(undefined)).catch(() => undefined);
    },
  };
};
