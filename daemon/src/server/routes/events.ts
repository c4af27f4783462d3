/**
 * GET /api/events: SSE of the public event log; `id:` is the seq, so EventSource resumes with Last-Event-ID (or
 * ?since=N). A seq past this log's end was an earlier daemon's (a client that followed it across a restart on the same
 * port, such as a long `up`): it gets everything this log holds, the latest project views among it, where a plain
 * resume would wait for seqs this daemon has not reached and miss what it did meanwhile.
 */
import type { Request, Response } from "express";
import type { PublicEvent } from "../../api/types.js";
import type { EventLog } from "../../engine/event-log.js";

export const eventsRoute =
  (events: EventLog) =>
  (req: Request, res: Response): void => {
    const header = req.headers["last-event-id"];
    const sinceRaw = typeof header === "string" && header !== "" ? header : typeof req.query["since"] === "string" ? req.query["since"] : undefined;
    const since = sinceRaw === undefined ? events.lastSeq() : Number(sinceRaw);
    const project = typeof req.query["project"] === "string" ? req.query["project"] : undefined;
    res.status(200).set({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    res.flushHeaders();
    const send = (event: PublicEvent): void => {
      if (project !== undefined && "project" in event) {
        const p = event.project;
        const name = typeof p === "string" ? p : p?.name;
        if (name !== undefined && name !== project) return;
      }
      res.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    for (const e of events.since(Number.isFinite(since) && since <= events.lastSeq() ? since : 0)) send(e);
    const unsubscribe = events.subscribe(send);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    req.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  };
