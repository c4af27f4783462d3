/**
 * `devloop run` of a service with a directory bind, in the cases real-world-binds.integ does not cover (issue 10,
 * left by the last session): the daemon killed (-9) and started again while the run's command runs, the daemon
 * gone when the command ends, `--context` naming another context than the project's, and `devloop down` while the
 * command still runs. Each checks what the CLI says and returns, what comes back to the host, and that no run pod is
 * left behind.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, createTestDaemon, freePort, kube, sleep, suffix } from "./daemon-support.js";
import { bedImages, bedKubeconfigPath, execInPod, loadBedKubeConfig } from "./helpers/index.js";
import { realWorldCopy } from "./helpers/real-world.js";

describe("devloop run with a bind, when the daemon or the project goes away meanwhile", () => {
  const daemon = createTestDaemon();
  const { core } = kube();
  const kc = loadBedKubeConfig();
  const node = { copy: realWorldCopy("node-bind-node-modules"), namespace: `dlrunl${suffix()}`, port: 0 };
  const runPods = async (): Promise<string[]> =>
    (await core.listNamespacedPod({ namespace: node.namespace, labelSelector: "devloop.dev/run=app" })).items.map((p) => p.metadata?.name ?? "");
  const hostFile = (rel: string): string | undefined => {
    try {
      return node.copy.read(rel);
    } catch {
      return undefined;
    }
  };

  /** `devloop run -T app node -e SCRIPT` in the background, its output gathered. */
  const startRun = (script: string, locals: readonly string[] = [], env: NodeJS.ProcessEnv = daemon.env) => {
    const child: ChildProcess = spawn(process.execPath, [bin, "run", "-T", ...locals, "app", "node", "-e", script], { cwd: node.copy.dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const out = { stdout: "", stderr: "" };
    child.stdout?.on("data", (d: Buffer) => (out.stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out.stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal === null ? -1 : 128))));
    const until = async (what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`waited ${ms / 1000} s for ${what}; run's stdout: ${out.stdout} stderr: ${out.stderr}`);
        await sleep(200);
      }
    };
    return { child, out, exited, until };
  };
  /** A command that says it started, waits for stop-run.txt from the host, then writes generated/<name> and exits 0. */
  const waitingScript = (name: string, extra = ""): string => [
    "const fs = require('fs'); console.log('started');",
    "const t = setInterval(() => {",
    "  if (!fs.existsSync('/app/stop-run.txt')) return;",
    `  clearInterval(t); ${extra}`,
    `  fs.mkdirSync('/app/generated', { recursive: true }); fs.writeFileSync('/app/generated/${name}', 'written after the restart\\n');`,
    "  console.log('stopping'); process.exit(0);",
    "}, 100);",
  ].join("\n");

  beforeAll(async () => {
    node.port = await freePort();
    Object.assign(daemon.env, { NODE_IMAGE: bedImages().node, APP_PORT: String(node.port) });
    await daemon.start();
    const up = await daemon.cli(["up", "-n", node.namespace, "--detach", "--wait-timeout", "240"], node.copy.dir, 300_000);
    expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
  }, 330_000);

  afterAll(async () => {
    await daemon.cli(["down", "-n", node.namespace, "--volumes"], node.copy.dir, 120_000).catch(() => undefined);
    await core.deleteNamespace({ name: node.namespace }).catch(() => undefined);
    node.copy.remove();
    await daemon.stop();
  }, 180_000);

  it("the daemon killed and started again while the command runs: edits reach it again, what it writes last comes back, run exits 0", async () => {
    const run = startRun(waitingScript("after-restart.txt", "console.log('saw during-down', fs.existsSync('/app/during-down.txt'));"));
    try {
      await run.until("the command's start", () => run.out.stdout.includes("started"), 120_000);
      await daemon.kill9();
      node.copy.write("during-down.txt", "written while no daemon ran\n");
      // What the run's container writes while no daemon runs: a new file, and a change to a file the host has too.
      const [runPod = ""] = await runPods();
      const wrote = await execInPod(kc, { namespace: node.namespace, pod: runPod, container: "app", command: ["sh", "-c", "mkdir -p /app/generated && echo 'while no daemon ran' > /app/generated/while-down.txt && echo 'changed in the run pod' > /app/message.txt"], timeoutMs: 30_000 });
      expect(wrote.exitCode, wrote.stderr).toBe(0);
      await sleep(3_000);
      const started = Date.now();
      await daemon.start();
      // The project comes back with the daemon, and its live loop takes the run pod again.
      node.copy.write("stop-run.txt", "\n");
      const code = await Promise.race([run.exited, sleep(90_000).then(() => -2)]);
      const ms = Date.now() - started;
      expect(code, `${run.out.stdout}${run.out.stderr}`).toBe(0);
      expect(run.out.stdout).toContain("saw during-down true\n");
      expect(hostFile("generated/after-restart.txt")).toBe("written after the restart\n");
      // Brought back by the new daemon's first look, not overwritten by the host's older copy.
      expect(hostFile("generated/while-down.txt")).toBe("while no daemon ran\n");
      expect(hostFile("message.txt")).toBe("changed in the run pod\n");
      process.stdout.write(`[measure] run across a daemon kill -9 and restart: ${ms} ms from the restart to run's exit\n`);
      expect(await runPods()).toEqual([]);
    } finally {
      if (run.child.exitCode === null) run.child.kill("SIGTERM");
      await run.exited;
      node.copy.write("stop-run.txt", "");
    }
  }, 300_000);

  it("the daemon gone when the command ends: run waits a bounded time, says what was not brought back, exits with the command's code, deletes its pod", async () => {
    const script = "const fs = require('fs'); console.log('started'); setTimeout(() => { fs.mkdirSync('/app/generated', { recursive: true }); fs.writeFileSync('/app/generated/no-daemon.txt', 'x\\n'); process.exit(3); }, 4000);";
    const run = startRun(script);
    try {
      await run.until("the command's start", () => run.out.stdout.includes("started"), 120_000);
      await daemon.stop();
      const code = await Promise.race([run.exited, sleep(90_000).then(() => -2)]);
      expect(code, `${run.out.stdout}${run.out.stderr}`).toBe(3);
      expect(run.out.stderr).toMatch(/the daemon did not bring back/);
      expect(await runPods()).toEqual([]);
    } finally {
      if (run.child.exitCode === null) run.child.kill("SIGTERM");
      await run.exited;
      if (daemon.process === undefined) await daemon.start();
    }
  }, 200_000);

  it("run --context naming another context than the project's (given after run, as kubectl takes it): a warning that says the pod would wait, and the run still works here", async () => {
    // The bed's kubeconfig with a second name for the same cluster: the daemon watches the project under the first.
    const kubeconfig = `${node.copy.dir}/../kubeconfig-alias-${suffix()}`;
    const text = readFileSync(bedKubeconfigPath(), "utf8");
    const config = JSON.parse(JSON.stringify((await import("yaml")).parse(text))) as { contexts: { name: string; context: unknown }[]; "current-context": string };
    const current = config.contexts.find((c) => c.name === config["current-context"]) ?? config.contexts[0];
    config.contexts.push({ name: "devloop-alias", context: current?.context });
    writeFileSync(kubeconfig, JSON.stringify(config));
    const run = startRun("console.log('ran', require('fs').existsSync('/app/server.js'))", ["--context", "devloop-alias"], { ...daemon.env, KUBECONFIG: kubeconfig });
    const code = await Promise.race([run.exited, sleep(120_000).then(() => -2)]);
    expect(code, `${run.out.stdout}${run.out.stderr}`).toBe(0);
    expect(run.out.stderr).toMatch(/the daemon watches .* under context .*, not devloop-alias/);
    expect(run.out.stdout).toBe("ran true\n");
    expect(await runPods()).toEqual([]);
  }, 150_000);

  it("devloop down while the command runs: the run pod goes, run ends within seconds with a clear message and exit 1", async () => {
    const run = startRun("console.log('started'); setInterval(() => {}, 1000);");
    try {
      await run.until("the command's start", () => run.out.stdout.includes("started"), 120_000);
      const down = await daemon.cli(["down", "-n", node.namespace], node.copy.dir, 120_000);
      expect(down.code, `${down.stdout}${down.stderr}`).toBe(0);
      const started = Date.now();
      const code = await Promise.race([run.exited, sleep(60_000).then(() => -2)]);
      const ms = Date.now() - started;
      process.stdout.write(`[measure] run ended ${ms} ms after down returned: code ${code}; stderr: ${run.out.stderr.trim().split("\n").slice(-2).join(" | ")}\n`);
      expect(code).toBe(1);
      expect(ms).toBeLessThan(10_000);
      expect(run.out.stderr).toMatch(/pod \S+-app-run-\S+ was deleted while its command ran \(devloop down, or another client\); the command was stopped/);
      expect(await runPods()).toEqual([]);
    } finally {
      if (run.child.exitCode === null) run.child.kill("SIGTERM");
      await run.exited;
    }
  }, 200_000);
});
