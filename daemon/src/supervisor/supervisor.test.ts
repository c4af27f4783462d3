/** The supervisor and its restart command, run by the system's sh (dash on Debian, as in most images). */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { restartProcessCommand, supervisorScriptIn } from "./supervisor.js";

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), "devloop-supervisor-")); });
afterEach(() => rm(dir, { recursive: true, force: true }));

const waitFor = async <T>(fn: () => Promise<T | undefined>, ms = 5_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};
const pidFile = (): Promise<string | undefined> => readFile(path.join(dir, "pid"), "utf8").then((t) => t.trim() || undefined);

describe("supervisor", () => {
  it("restarts the process in place, passes SIGTERM on, and exits with the process's status", async () => {
    // The "app" counts its starts in a file and runs until terminated.
    const app = `echo x >> '${dir}/starts'; trap 'exit 7' TERM; while :; do sleep 0.05; done`;
    const child = spawn("sh", ["-c", supervisorScriptIn(dir), "devloop-supervisor", "sh", "-c", app], { stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const first = await waitFor(pidFile);
    const [cmd, ...args] = restartProcessCommand(2_000, dir);
    const restarted = spawnSync(cmd!, args, { encoding: "utf8", timeout: 15_000 });
    expect(restarted.status).toBe(0);
    const second = restarted.stdout.trim();
    expect(second).toMatch(/^\d+$/);
    expect(second).not.toBe(first);
    expect(await pidFile()).toBe(second);
    expect((await readFile(path.join(dir, "starts"), "utf8")).trim().split("\n")).toHaveLength(2);
    child.kill("SIGTERM");
    expect(await exited).toBe(7);
  }, 20_000);

  it("the restart command says so when no supervisor runs (exit 3)", () => {
    const [cmd, ...args] = restartProcessCommand(1_000, dir);
    expect(spawnSync(cmd!, args).status).toBe(3);
  });

  it("a process that ignores SIGTERM is killed after the grace period and started again", async () => {
    const app = `trap '' TERM; while :; do sleep 0.05; done`;
    const child = spawn("sh", ["-c", supervisorScriptIn(dir), "devloop-supervisor", "sh", "-c", app], { stdio: "ignore" });
    try {
      const first = await waitFor(pidFile);
      const [cmd, ...args] = restartProcessCommand(300, dir);
      const restarted = spawnSync(cmd!, args, { encoding: "utf8", timeout: 15_000 });
      expect(restarted.status).toBe(0);
      expect(restarted.stdout.trim()).not.toBe(first);
    } finally {
      child.kill("SIGKILL");
      spawnSync("sh", ["-c", `kill -9 $(cat '${dir}/pid') 2>/dev/null`]);
    }
  }, 20_000);
});
