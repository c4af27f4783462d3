/**
 * Issue 10's bind-mount figure on the real local cluster: the first `devloop up` of a project that bind-mounts a
 * 20,000-file, 200 MB source tree (`.:/src`, a Node server reading a file of the tree per request). Time from `up` to
 * the container serving (its first answer through the port-forward, timed while `up --detach` still waits out its
 * stable window; the return of `up` and the fill alone are shown too), against `tar -c | kubectl exec -i … tar -x` of
 * the same tree into a running pod, in the same run (rounds alternate). Then the edit-to-serving p50 on that tree (an
 * edit of the file the server reads, until the answer through devloop's port-forward changes).
 *
 *   eval "$(bash scripts/local-cluster env)"; npm run bench -- bind
 *   DEVLOOP_BENCH_ROUNDS=3 (default)
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { createTestDaemon, freePort, sleep } from "../daemon/test/integration/daemon-support.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "../daemon/test/integration/helpers/index.js";
import { bedKubectl } from "./sync-exec.js";
import { fmt, median, percentile } from "./stats.js";

export interface BindTreeResult {
  readonly files: number;
  readonly bytes: number;
  readonly rounds: number;
  /** `devloop up` (daemon already running) until the first answer through the port-forward, ms per round. */
  readonly upMs: readonly number[];
  /** `devloop up --detach` until it returns (after the stable window), ms per round. */
  readonly upExitMs: readonly number[];
  /** The bind fill alone (the daemon's trace of it: its sync step), ms per round. */
  readonly fillMs: readonly number[];
  /** `tar -c | kubectl exec -i pod -- tar -x` of the same tree into a running pod, ms per round. */
  readonly kubectlMs: readonly number[];
  readonly edit: { readonly samples: number; readonly p50: number; readonly p95: number };
  readonly load: readonly [number, number];
}

const FILES = 20_000;
const BYTES = 200 * 1024 * 1024;

/**
 * 1,000 directories of 20 files, ~10 KiB each of JavaScript-like lines (identifiers and numbers from a fixed
 * pseudo-random sequence): gzip -1 takes it to ~31 %, as source does; the baseline's tar is sent as it is.
 */
export const writeTree = (dir: string): number => {
  const words = ["const", "value", "request", "response", "handler", "config", "user", "order", "item", "cache", "render", "state", "props", "await", "async", "module"];
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const w = (): string => words[rnd(words.length)] ?? "x";
  let total = 0;
  const per = Math.floor(BYTES / FILES);
  for (let d = 0; d < FILES / 20; d++) {
    const sub = path.join(dir, "lib", `m${String(d).padStart(4, "0")}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 20; f++) {
      let text = "";
      for (let i = 0; text.length < per; i++) text += `export const ${w()}${rnd(1e6)} = (${w()}, ${w()}) => ${w()}.${w()}(${rnd(1e4)}); // ${w()} ${i}\n`;
      writeFileSync(path.join(sub, `f${f}.js`), text.slice(0, per));
      total += per;
    }
  }
  writeFileSync(path.join(dir, "marker.txt"), "v0\n");
  writeFileSync(
    path.join(dir, "server.js"),
    `require("node:http").createServer((q, s) => s.end(require("node:fs").readFileSync("/src/marker.txt", "utf8"))).listen(3000);\n`,
  );
  return total + 200;
};

/** One Node service serving /src/server.js, with the project directory bind-mounted at /src. */
export const bindCompose = (image: string): string => `services:
  app:
    image: ${image}
    command: ["node", "/src/server.js"]
    ports:
      - "\${APP_PORT}:3000"
    volumes:
      - .:/src
`;

const fetchText = async (url: string): Promise<string | undefined> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
};

const waitFor = async (url: string, want: string, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await fetchText(url)) === want) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${JSON.stringify(want)} at ${url}`);
};

const run = (cmd: string, args: readonly string[], stdinFrom?: { cmd: string; args: readonly string[] }): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    if (stdinFrom) {
      const source = spawn(stdinFrom.cmd, stdinFrom.args, { stdio: ["ignore", "pipe", "inherit"] });
      source.stdout.pipe(child.stdin);
    } else child.stdin.end();
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${stderr}`))));
  });

/** A running pod "sink" in `ns` with an emptyDir at /src, the baseline's target (and bench bind-fill's). */
export const startSinkPod = async (kc: KubeConfig, ns: string, image: string): Promise<void> => {
  await kc.makeApiClient(CoreV1Api).createNamespacedPod({
    namespace: ns,
    body: {
      metadata: { name: "sink" },
      spec: {
        containers: [{ name: "sink", image, imagePullPolicy: "Never", command: ["sleep", "3600"], volumeMounts: [{ name: "src", mountPath: "/src" }] }],
        volumes: [{ name: "src", emptyDir: {} }],
        terminationGracePeriodSeconds: 0,
      },
    },
  });
  await waitForPodReady(kc, { namespace: ns, name: "sink", timeoutMs: 120_000 });
};

/** The baseline: a running pod with an emptyDir at /src, then the tree piped through kubectl exec's tar. */
const kubectlRound = async (tree: string, image: string): Promise<number> => {
  const kc = loadBedKubeConfig();
  const ns = await createTestNamespace(kc, "dlbindk");
  try {
    await startSinkPod(kc, ns, image);
    const started = performance.now();
    await run(bedKubectl(), ["--kubeconfig", process.env["KUBECONFIG"] ?? "", "-n", ns, "exec", "-i", "sink", "--", "tar", "-x", "-m", "-C", "/src", "-f", "-"], { cmd: "tar", args: ["-c", "-C", tree, "."] });
    return performance.now() - started;
  } finally {
    await deleteTestNamespace(kc, ns);
  }
};

export const benchBindTree = async (rounds = Number(process.env["DEVLOOP_BENCH_ROUNDS"] ?? 3), edits = 15): Promise<BindTreeResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const tree = mkdtempSync(path.join(tmpdir(), "devloop-bench-bind-"));
  const bytes = writeTree(tree);
  const image = bedImages().node;
  writeFileSync(path.join(tree, "compose.yml"), bindCompose(image));
  const daemon = createTestDaemon();
  const upMs: number[] = [];
  const upExitMs: number[] = [];
  const fillMs: number[] = [];
  const kubectlMs: number[] = [];
  const editMs: number[] = [];
  await daemon.start();
  try {
    for (let r = 0; r < rounds; r++) {
      kubectlMs.push(await kubectlRound(tree, image));
      const port = await freePort();
      Object.assign(daemon.env, { APP_PORT: String(port) });
      const ns = `dlbindd${r}${Math.random().toString(36).slice(2, 6)}`;
      const url = `http://127.0.0.1:${port}/`;
      const started = performance.now();
      // Serving is timed as it happens, while `up --detach` still waits (its stable window: 2 s seen running).
      const serving = waitFor(url, "v0\n", 360_000).then(() => performance.now() - started);
      serving.catch(() => undefined);
      const up = await daemon.cli(["up", "-n", ns, "--detach", "--wait-timeout", "300"], tree, 360_000);
      if (up.code !== 0) {
        // Its namespace goes too (a full node leaves the pod unschedulable; the next run must not find it there).
        await daemon.cli(["down", "-n", ns], tree, 120_000).catch(() => undefined);
        await deleteTestNamespace(loadBedKubeConfig(), ns).catch(() => undefined);
        throw new Error(`up failed: ${up.stdout}${up.stderr}`);
      }
      upExitMs.push(performance.now() - started);
      upMs.push(await serving);
      // The fill alone: the bind change's sync step in the daemon's trace (engine/live/bind-fill.ts).
      const client = await daemon.client();
      const project = (await client.state()).projects.find((p) => p.namespace === ns);
      const bind = project?.changes.find((c) => c.action === "bind");
      fillMs.push(bind?.steps.find((x) => x.step === "sync")?.ms ?? Number.NaN);
      if (r === rounds - 1) {
        for (let e = 1; e <= edits; e++) {
          const t0 = performance.now();
          writeFileSync(path.join(tree, "marker.txt"), `v${e}\n`);
          await waitFor(url, `v${e}\n`, 30_000);
          editMs.push(performance.now() - t0);
          await sleep(200);
        }
        writeFileSync(path.join(tree, "marker.txt"), "v0\n");
      }
      await daemon.cli(["down", "-n", ns], tree, 120_000);
      // `down` keeps the namespace: the bench's own go.
      await deleteTestNamespace(loadBedKubeConfig(), ns);
      await sleep(2_000);
    }
  } finally {
    await daemon.stop();
    rmSync(tree, { recursive: true, force: true });
  }
  return { files: FILES, bytes, rounds, upMs, upExitMs, fillMs, kubectlMs, edit: { samples: editMs.length, p50: median(editMs), p95: percentile(editMs, 95) }, load: [load0, os.loadavg()[0] ?? 0] };
};

export const formatBindTree = (r: BindTreeResult): string => {
  const up = median(r.upMs);
  const kubectl = median(r.kubectlMs);
  return [
    `First \`up\` of a project bind-mounting ${r.files.toLocaleString("en")} files (${(r.bytes / 2 ** 20).toFixed(0)} MiB), ${r.rounds} rounds alternating with the baseline; 1-min load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}.`,
    "",
    "| measure | median | rounds |",
    "| --- | --- | --- |",
    `| devloop \`up --detach\` → first answer through the port-forward (apply, pod start, the tree put into the waiting container, app start) | ${fmt(up)} | ${r.upMs.map((x) => Math.round(x)).join(", ")} |`,
    `| … of which the fill (the daemon's trace: the tree into the waiting container) | ${fmt(median(r.fillMs))} | ${r.fillMs.map((x) => Math.round(x)).join(", ")} |`,
    `| … and the rest (apply, pod start, ready file, app start, forward) | ${fmt(median(r.upMs.map((x, i) => x - (r.fillMs[i] ?? 0))))} | ${r.upMs.map((x, i) => Math.round(x - (r.fillMs[i] ?? 0))).join(", ")} |`,
    `| devloop \`up --detach\` returns (+ its 2 s stable window) | ${fmt(median(r.upExitMs))} | ${r.upExitMs.map((x) => Math.round(x)).join(", ")} |`,
    `| \`tar -c | kubectl exec -i … tar -x\` of the same tree into a running pod | ${fmt(kubectl)} | ${r.kubectlMs.map((x) => Math.round(x)).join(", ")} |`,
    `| ratio devloop serving / kubectl (target ≤ 1.5×) | ${(up / kubectl).toFixed(2)}× | |`,
    `| ratio devloop fill / kubectl | ${(median(r.fillMs) / kubectl).toFixed(2)}× | |`,
    `| edit → new answer on that tree, p50 / p95 (${r.edit.samples} edits) | ${fmt(r.edit.p50)} / ${fmt(r.edit.p95)} | |`,
  ].join("\n");
};
