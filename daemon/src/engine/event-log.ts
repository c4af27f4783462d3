/**
 * Append-only ring buffer of public events with a sequence number: feeds SSE (`id:` = seq) so a client
 * resumes with Last-Event-ID, and keeps memory bounded.
 *
 * A project event carries the project's whole public view (its services, pods and recent changes), and every edit
 * makes one: a full ring held 5,000 of them, most superseded (the soak bench's heap grew by ~4.6 MiB of them over 1,000
 * edits, issue 15). So a project's view replaces its previous one in the buffer (as the cluster's status does): a client
 * that resumes gets the latest view after its seq, never an outdated one it would overwrite at once.
 */
import type { PublicEvent, PublicEventBody } from "../api/types.js";

export interface EventLog {
  append(body: PublicEventBody, time: number): PublicEvent;
  /** Events with seq > after still in the buffer (oldest first). */
  since(after: number): readonly PublicEvent[];
  lastSeq(): number;
  subscribe(listener: (event: PublicEvent) => void): () => void;
}

/** What a later event of the same key makes obsolete: a project's view or its rollout's progress, the cluster's status. */
const supersedes = (body: PublicEventBody): string | undefined =>
  body.type === "project" ? `project\0${body.project.name}` : body.type === "progress" ? `progress\0${body.project}` : body.type === "cluster" ? "cluster" : undefined;

export const createEventLog = (capacity = 5000, firstSeq = 0): EventLog => {
  const buffer: PublicEvent[] = [];
  /** The latest event of each superseding key (it may have left the buffer since). */
  const latest = new Map<string, PublicEvent>();
  let seq = firstSeq;
  const listeners = new Set<(event: PublicEvent) => void>();
  return {
    append(body, time) {
      seq += 1;
      const event: PublicEvent = { seq, time, ...body };
      const key = supersedes(body);
      if (key !== undefined) {
        const old = latest.get(key);
        const at = old === undefined ? -1 : buffer.lastIndexOf(old);
        if (at !== -1) buffer.splice(at, 1);
        latest.set(key, event);
      }
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
