import { describe, expect, it } from "vitest";
import type { PublicService } from "../../daemon/src/api/types.js";
import { awaitingReport, failureReport } from "./failure-report.js";

const base: PublicService = { name: "crash", phase: "failed", waitingFor: [], pods: ["crash-1"], restarts: 1, ports: [] };

describe("failure report", () => {
  it("names the service, the exit code and reason, and the last log lines", () => {
    const s: PublicService = { ...base, failure: { pod: "crash-1", container: "crash", reason: "Error", exitCode: 3, restarts: 1, reported: true, logTail: Array.from({ length: 25 }, (_, i) => `l${i}`), events: ["BackOff: Back-off restarting failed container"] } };
    const text = failureReport(s, false);
    expect(text).toContain("crash failed: exit code 3 (Error), 1 restart — pod crash-1, container crash");
    expect(text).toContain("last 20 log lines:");
    expect(text).toContain("crash | l24");
    expect(text).not.toContain("crash | l4\n");
    expect(text).toContain("BackOff: Back-off restarting failed container");
    expect(awaitingReport(s)).toBe(false);
  });

  it("names a failed build with its error and output", () => {
    const s: PublicService = { ...base, phase: "blocked", message: "blocked: image build failed: exit 1", build: { status: "failed", image: "x:dev", error: "RUN false: exit code 1", tail: ["step 2/3", "RUN false"] } };
    expect(failureReport(s, false)).toBe("✖ crash: image build failed: RUN false: exit code 1\n  last 2 lines of the build:\n  crash | step 2/3\n  crash | RUN false\n");
  });

  it("names a pod the scheduler cannot place with the scheduler's message and its events, no log to miss", () => {
    const message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.";
    const s: PublicService = { ...base, name: "trainer", failure: { pod: "trainer-1", container: "trainer", reason: "Unschedulable", message, restarts: 0, reported: true, logTail: [], events: [`FailedScheduling: ${message}`] } };
    expect(failureReport(s, false)).toBe(`✖ trainer failed: Unschedulable — pod trainer-1, container trainer\n  ${message}\n  pod events:\n    FailedScheduling: ${message}\n`);
  });

  it("waits for a crash's log tail while it is read", () => {
    expect(awaitingReport({ ...base, failure: { pod: "crash-1", container: "crash", reason: "Error", exitCode: 3, restarts: 0, reported: false, logTail: [], events: [] } })).toBe(true);
  });
});
