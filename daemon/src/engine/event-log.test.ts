import { describe, expect, it } from "vitest";
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
});
