/** A copy of a fixtures/real-world project brought up with the daemon on the bed, torn down after. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDaemon, kube, repoRoot, suffix, type TestDaemon } from "./daemon-support.js";
import { withinTest } from "./helpers/test-deadline.js";

export interface RealWorldProject {
  readonly name: string;
  readonly ns: string;
  readonly dir: string;
  readonly daemon: TestDaemon;
  setUp(env: Readonly<Record<string, string | number>>): Promise<void>;
  tearDown(): Promise<void>;
  up(): Promise<{ code: number; stdout: string; stderr: string }>;
}

export const realWorldProject = (fixture: string): RealWorldProject => {
  const name = `dl${fixture.replace(/[^a-z]/g, "").slice(0, 10)}${suffix()}`;
  const ns = `${name}-it`;
  const daemon = createTestDaemon();
  const dir = mkdtempSync(join(tmpdir(), `devloop-it-${fixture}-`));
  return {
    name,
    ns,
    dir,
    daemon,
    async setUp(env) {
      cpSync(join(repoRoot, "fixtures", "real-world", fixture), dir, { recursive: true });
      writeFileSync(join(dir, ".env"), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(""));
      await daemon.start();
    },
    async tearDown() {
      await daemon.cli(["down", "-p", name, "-n", ns, "--volumes"], dir, 120_000).catch(() => undefined);
      await daemon.stop();
      await kube().core.deleteNamespace({ name: ns }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    // Inside the default 180 s test timeout: the CLI's own wait ends first (exit 2 naming what is not ready).
    up: () => daemon.cli(["up", "-d", "-p", name, "-n", ns, "--wait-timeout", "150"], dir, 170_000),
  };
};

/** GET with retries (a forward or a Service may need a moment), the body of the first 2xx. */
export const fetchText = async (url: string, timeoutMs = 30_000): Promise<string> => {
  const deadline = Date.now() + withinTest(timeoutMs);
  let last = "";
  for (;;) {
    try {
      const res = await fetch(url);
      const text = await res.text();
      if (res.ok) return text;
      last = `${res.status} ${text}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`${url}: ${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};
