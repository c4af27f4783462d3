/**
 * `devloop daemon --supervised` (issue 15 item 4): the supervisor runs the daemon as a child; after kill -9 of that
 * daemon a new one — a new pid — answers its health check within seconds, and SIGTERM to the supervisor stops both.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, sleep } from "./daemon-support.js";
import { bedKubeconfigPath } from "./helpers/kube-config.js";

const answeringPid = async (stateDir: string, other: number | undefined, timeoutMs: number): Promise<number> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const info = JSON.parse(readFileSync(join(stateDir, "daemon.json"), "utf8")) as { pid: number; port: number };
      if (info.pid !== other && (await fetch(`http://127.0.0.1:${info.port}/api/health`, { signal: AbortSignal.timeout(1_000) })).ok) return info.pid;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`no daemon${other === undefined ? "" : ` other than ${other}`} answered within ${timeoutMs} ms`);
    await sleep(200);
  }
};

describe("devloop daemon --supervised", () => {
  it("starts a new daemon after kill -9 of the one it runs, and SIGTERM stops both", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "devloop-it-supervised-"));
    const supervisor = spawn(process.execPath, [bin, "daemon", "--supervised"], {
      env: { ...process.env, DEVLOOP_STATE_DIR: stateDir, KUBECONFIG: bedKubeconfigPath(), NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    supervisor.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => supervisor.once("exit", (code) => resolve(code)));
    try {
      const first = await answeringPid(stateDir, undefined, 60_000);
      expect(first).not.toBe(supervisor.pid);
      const killedAt = Date.now();
      process.kill(first, "SIGKILL");
      const second = await answeringPid(stateDir, first, 30_000);
      expect(second).not.toBe(first);
      expect(Date.now() - killedAt).toBeLessThan(15_000);
      expect(stderr).toMatch(/devloop daemon \(run 1, pid \d+\) was killed by SIGKILL; starting it again in 1 s/);

      supervisor.kill("SIGTERM");
      expect(await Promise.race([exited, sleep(20_000).then(() => "timeout")])).toBe(0);
      // The daemon went with it: its pid no longer runs.
      expect(() => process.kill(second, 0)).toThrow();
    } finally {
      if (supervisor.exitCode === null) supervisor.kill("SIGKILL");
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);
});
