/**
 * Append-only ring buffer of public events with a sequence number: feeds SSE (`id:` = seq) so a client
 * resumes with Last-Event-ID, and keeps memory bounded.
 */
import type { PublicEvent, PublicEventBody } from "../api/types.js";

export interface EventLog {
  append(body: PublicEventBody, time: number): PublicEvent;
  /** Events with seq > after still in the buffer (oldest first). */
  since(after: number): readonly PublicEvent[];
  lastSeq(): number;
  subscribe(listener: (event: PublicEvent) => void): () => void;
}

export const createEventLog = (capacity = 5000, firstSeq = 0): EventLog => {
  const buffer: PublicEvent[] = [];
  let seq = firstSeq;
  const listeners = new Set<(event: PublicEvent) => void>();
  return {
    append(body, time) {
      seq += 1;
      const event: PublicEvent = { seq, time, ...body };
      buffer.push(event);
      if (buffer.length > capacity) buffer.splice(0, buffer.length - capacity);
      for (const l of [...listeners]) l(event);
      return event;
    },
    since(after) {
      const start = buffer.findIndex((e) => e.seq > after);
      return start === -1 ? [] : buffer.slice(start);
    },
    lastSeq: () => seq,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
