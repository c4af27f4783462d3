import { describe, expect, it } from "vitest";
import type { PublicEventBody } from "../api/types.js";
import { createEventLog } from "./event-log.js";

describe("event log", () => {
  it("numbers events and resumes after a seq", () => {
    const log = createEventLog(3);
    for (let i = 0; i < 5; i++) log.append({ type: "log", source: "t", level: "info", line: `l${i}` }, i);
    expect(log.lastSeq()).toBe(5);
    expect(log.since(0).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.since(4).map((e) => e.seq)).toEqual([5]);
    expect(log.since(5)).toEqual([]);
  });

  it("keeps only a project's latest view (and the cluster's latest status): a resumed client gets it, not outdated ones", () => {
    const log = createEventLog(100);
    const view = (name: string, phase: string) => ({ type: "project", project: { name, phase } }) as unknown as PublicEventBody;
    log.append(view("shop", "loading"), 1);
    log.append({ type: "log", source: "t", level: "info", line: "a" }, 2);
    log.append(view("blog", "running"), 3);
    log.append(view("shop", "running"), 4);
    log.append({ type: "cluster", cluster: { reachable: false } } as unknown as PublicEventBody, 5);
    log.append({ type: "cluster", cluster: { reachable: true } } as unknown as PublicEventBody, 6);
    expect(log.since(0).map((e) => e.seq)).toEqual([2, 3, 4, 6]);
    expect(log.since(3).map((e) => e.seq)).toEqual([4, 6]);
    expect(log.lastSeq()).toBe(6);
    // 1,000 views of one project hold one slot; the rest of the ring is left to other events.
    for (let i = 0; i < 1000; i++) log.append(view("shop", `p${i}`), 10 + i);
    expect(log.since(0).filter((e) => e.type === "project")).toHaveLength(2);
  });
});
