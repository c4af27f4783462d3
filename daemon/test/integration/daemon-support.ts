/**
 * Support for the daemon integration tests: a real daemon process (so kill -9 is real), the real CLI as a child
 * process, a throwaway project directory, and kubectl-free checks through client-node on the test bed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AppsV1Api, BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { DaemonClient } from "../../../cli/src/client.js";
import { connectDaemon } from "../../../cli/src/client.js";
import { daemonEnv, daemonNodeFlags } from "../../src/api/daemon-process.js";
import type { PublicEvent, PublicProject } from "../../src/api/types.js";
import { bedKubeconfigPath, loadBedKubeConfig } from "./helpers/kube-config.js";
import { withinTest } from "./helpers/test-deadline.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const bin = join(repoRoot, "bin", "devloop.js");
export const nodeImage = process.env["NODE_IMAGE"] ?? "devloop/node:18-bookworm";

export const kube = () => {
  const kc = loadBedKubeConfig();
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), batch: kc.makeApiClient(BatchV1Api) };
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The env of a Deployment's first container once it has `name` (polled every 500 ms), or the last one seen at the timeout. */
export const deploymentEnvWith = async (namespace: string, deployment: string, name: string, timeoutMs: number): Promise<{ name: string; value?: string }[]> => {
  const { apps } = kube();
  const deadline = Date.now() + withinTest(timeoutMs);
  let env: { name: string; value?: string }[] = [];
  while (Date.now() < deadline) {
    const found = await apps.readNamespacedDeployment({ name: deployment, namespace }).catch(() => undefined);
    env = found?.spec?.template.spec?.containers[0]?.env ?? [];
    if (env.some((e) => e.name === name)) break;
    await sleep(500);
  }
  return env;
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
    s.once("error", reject);
  });

export const suffix = (): string => Math.random().toString(36).slice(2, 8);

export interface TestDaemon {
  readonly stateDir: string;
  /** Node flags before bin/devloop.js: the CLI's (daemonNodeFlags) unless a test or benchmark sets others. */
  nodeFlags: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  process?: ChildProcess;
  client(): Promise<DaemonClient>;
  start(): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Runs the real CLI; resolves with exit code and output. Killed after `timeoutMs` (default 170 s), or sooner when
   * the running test's timeout comes first; then it rejects naming the command, so a hang reports the step that hung.
   */
  cli(args: readonly string[], cwd: string, timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs a command that does not end by itself (an attached `up`) for `forMs`, then kills it; resolves with its output. */
  cliFor(args: readonly string[], cwd: string, forMs: number): Promise<{ stdout: string; stderr: string }>;
  project(name: string): Promise<PublicProject | undefined>;
  waitFor(name: string, predicate: (p: PublicProject | undefined) => boolean, timeoutMs: number, what: string): Promise<PublicProject | undefined>;
  /** The seq of the daemon's last event (GET /api/state): a mark for eventsSince. */
  seq(): Promise<number>;
  /** The daemon's own event log after `since`, up to the seq the state has now (GET /api/events replays it). */
  eventsSince(since: number): Promise<PublicEvent[]>;
  /**
   * The services of project `name` the daemon applied after `since`: each one with an applyStarted fact in its event
   * log (the apply controller starting that unit's apply). What the cluster shows cannot tell: an
   * identical server-side apply changes neither uid nor generation.
   */
  appliedSince(name: string, since: number): Promise<string[]>;
}

export const createTestDaemon = (): TestDaemon => {
  const stateDir = mkdtempSync(join(tmpdir(), "devloop-it-"));
  const env: NodeJS.ProcessEnv = { ...process.env, ...daemonEnv, DEVLOOP_STATE_DIR: stateDir, KUBECONFIG: bedKubeconfigPath(), DEVLOOP_USER: "it", NO_COLOR: "1" };
  /** The real CLI under this daemon's environment, SIGKILLed after `ms`; says whether it was. */
  const runCli = (args: readonly string[], cwd: string, ms: number): Promise<{ code: number; stdout: string; stderr: string; killed: boolean }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let killed = false;
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        killed = true;
        child.kill("SIGKILL");
      }, ms);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr, killed });
      });
    });
  const daemon: TestDaemon = {
    stateDir,
    nodeFlags: daemonNodeFlags,
    env,
    client: () => connectDaemon({ stateDir, start: false }),
    async start() {
      const child = spawn(process.execPath, [...daemon.nodeFlags, bin, "daemon"], { env, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      daemon.process = child;
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          const info = JSON.parse(readFileSync(join(stateDir, "daemon.json"), "utf8")) as { pid: number; port: number };
          if (info.pid === child.pid) {
            const res = await fetch(`http://127.0.0.1:${info.port}/api/health`);
            if (res.ok) return;
          }
        } catch {
          // not yet
        }
        if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`daemon did not start: ${stderr}`);
        await sleep(200);
      }
    },
    async kill9() {
      const child = daemon.process;
      if (!child) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      daemon.process = undefined;
    },
    async stop() {
      const child = daemon.process;
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(10_000)]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      daemon.process = undefined;
    },
    cli: async (args, cwd, timeoutMs = 170_000) => {
      const bound = withinTest(timeoutMs);
      const run = await runCli(args, cwd, bound);
      if (run.killed) throw new Error(`devloop ${args.join(" ")} did not exit within ${bound / 1000} s and was killed; its last output: ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join(" | ")}`);
      return { code: run.code, stdout: run.stdout, stderr: run.stderr };
    },
    cliFor: async (args, cwd, forMs) => {
      const run = await runCli(args, cwd, withinTest(forMs));
      if (!run.killed) throw new Error(`devloop ${args.join(" ")} exited (${run.code}) before ${forMs / 1000} s; its last output: ${(run.stderr || run.stdout).trim().split("\n").slice(-5).join(" | ")}`);
      return { stdout: run.stdout, stderr: run.stderr };
    },
    async project(name) {
      const c = await daemon.client();
      return (await c.state()).projects.find((p) => p.name === name);
    },
    async waitFor(name, predicate, timeoutMs, what) {
      const deadline = Date.now() + withinTest(timeoutMs);
      let last: PublicProject | undefined;
      for (;;) {
        try {
          last = await daemon.project(name);
          if (predicate(last)) return last;
        } catch {
          // daemon restarting
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last?.services.map((s) => [s.name, s.phase, s.message]))}`);
        await sleep(500);
      }
    },
    seq: async () => (await (await daemon.client()).state()).seq,
    async eventsSince(since) {
      const client = await daemon.client();
      const until = (await client.state()).seq;
      const events: PublicEvent[] = [];
      if (until <= since) return events;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), withinTest(30_000));
      try {
        await client.events({
          since,
          signal: controller.signal,
          onEvent: (e) => {
            if (e.seq <= until) events.push(e);
            if (e.seq >= until) controller.abort();
          },
        });
      } finally {
        clearTimeout(timer);
      }
      if ((events.at(-1)?.seq ?? since) < until) throw new Error(`the daemon's event log replayed up to ${events.at(-1)?.seq ?? since}, not ${until}`);
      return events;
    },
    async appliedSince(name, since) {
      const applied = new Set<string>();
      // The apply controller's applyStarted facts (a project's views replace each other in the log, so an
      // "applying" view is gone once a later one lands); the namespace unit is not a service.
      for (const e of await daemon.eventsSince(since)) {
        if (e.type !== "fact" || e.project !== name || e.fact.kind !== "applyStarted") continue;
        if (e.fact.unit !== "(namespace)") applied.add(e.fact.unit);
      }
      return [...applied].sort();
    },
  };
  return daemon;
};

export const projectDir = (compose: string): { dir: string; write(compose: string): void; remove(): void } => {
  const dir = mkdtempSync(join(tmpdir(), "devloop-it-project-"));
  const write = (text: string): void => writeFileSync(join(dir, "compose.yml"), text);
  write(compose);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/**
 * An image service (no build) whose `./src` is bind-mounted at /app, running `node /app/server.js` on ${APP_PORT}:
 * the daemon-restart tests' project. The caller writes src/ and sets NODE_IMAGE and APP_PORT in the daemon's env.
 */
export const srcBindProject = (): ReturnType<typeof projectDir> & { src: string } => {
  const project = projectDir(`services:
  app:
    image: \${NODE_IMAGE}
    command: ["node", "/app/server.js"]
    ports:
      - "\${APP_PORT}:3000"
    volumes:
      - ./src:/app
`);
  return { ...project, src: join(project.dir, "src") };
};

/** A test's end: its project down, the daemon stopped, then the namespace and the project's directory gone. */
export const endProject = async (daemon: TestDaemon, namespace: string, project: { dir: string; remove(): void }): Promise<void> => {
  await daemon.cli(["down", "-n", namespace], project.dir, 120_000).catch(() => undefined);
  await daemon.stop();
  await kube().core.deleteNamespace({ name: namespace }).catch(() => undefined);
  project.remove();
};

/** Restarts the bed's kube-apiserver with the same command line (SIGTERM, wait, start again, wait for /readyz). */
export const restartApiserver = async (): Promise<void> => {
  const state = process.env["DEVLOOP_CLUSTER_STATE"] ?? "/var/lib/devloop/cluster";
  const pidFile = join(state, "run", "kube-apiserver.pid");
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (/\) Z /.test(stat)) break;
    } catch {
      break;
    }
    await sleep(200);
  }
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("no kube-apiserver command line");
  const { openSync } = await import("node:fs");
  const out = openSync(join(state, "logs", "kube-apiserver.log"), "a");
  // detached = a new session, as the bed's own setsid start does.
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
};

/**
 * A temporary copy of the example project (compose.example.yml as compose.yml, .env, example/), so a test can edit
 * its sources without touching the repository.
 */
export const exampleCopy = (): { dir: string; file(rel: string): string; remove(): void } => {
  const dir = mkdtempSync(join(tmpdir(), "devloop-it-example-"));
  cpSync(join(repoRoot, "compose.example.yml"), join(dir, "compose.yml"));
  cpSync(join(repoRoot, ".env"), join(dir, ".env"));
  cpSync(join(repoRoot, "example"), join(dir, "example"), { recursive: true });
  return { dir, file: (rel) => join(dir, rel), remove: () => rmSync(dir, { recursive: true, force: true }) };
};
