import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { superviseDaemon } from "./supervise-daemon.js";

// Real child processes standing in for the daemon: each run does what `script` says for its run number.
const run = (scripts: readonly string[], listened: (pid: number) => boolean = () => true) => {
  const waits: number[] = [];
  const notes: string[] = [];
  let n = 0;
  const result = superviseDaemon({
    start: () => spawn(process.execPath, ["-e", scripts[Math.min(n++, scripts.length - 1)] ?? ""], { stdio: "ignore" }),
    listened,
    note: (line) => notes.push(line),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    onStopSignal: () => undefined,
  });
  return { result, waits, notes, starts: () => n };
};

describe("devloop daemon --supervised", () => {
  it("starts the daemon again after a crash and after kill -9, backing off, until it stops on purpose (exit 0)", async () => {
    const r = run(["process.exit(2)", "process.kill(process.pid, 'SIGKILL')", "process.exit(0)"]);
    expect(await r.result).toBe(0);
    expect(r.starts()).toBe(3);
    expect(r.waits).toEqual([1_000, 2_000]);
    expect(r.notes[0]).toMatch(/^devloop daemon \(run 1, pid \d+\) exited with code 2; starting it again in 1 s$/);
    expect(r.notes[1]).toMatch(/was killed by SIGKILL; starting it again in 2 s$/);
  });

  it("does not restart a daemon that could not start (exit 1 before it listened: the lock is held, the port is taken)", async () => {
    const r = run(["process.exit(1)"], () => false);
    expect(await r.result).toBe(1);
    expect(r.starts()).toBe(1);
    expect(r.notes).toEqual(["devloop daemon exited with code 1: a restart would not help (see its message above); not restarting"]);
  });

  it("restarts a daemon that exited 1 after it listened (an uncaught exception)", async () => {
    const r = run(["throw new Error('boom')", "process.exit(0)"], () => true);
    expect(await r.result).toBe(0);
    expect(r.starts()).toBe(2);
  });

  it("on SIGTERM passes it to the daemon once and ends with the daemon's exit code", async () => {
    let stop: ((signal: NodeJS.Signals) => void) | undefined;
    const result = superviseDaemon({
      start: () => spawn(process.execPath, ["-e", "process.once('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)"], { stdio: "ignore" }),
      listened: () => true,
      note: () => undefined,
      onStopSignal: (s) => (stop = s),
    });
    await new Promise((r) => setTimeout(r, 500));
    stop?.("SIGTERM");
    expect(await result).toBe(0);
  });
});
