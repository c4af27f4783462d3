/**
 * Issue 10's bind-mount figure on the real local cluster: the first `devloop up` of a project that bind-mounts a
 * 20,000-file, 200 MB source tree (`.:/src`, a Node server reading a file of the tree per request). Time from `up` to
 * the container serving (its first answer through the port-forward, timed while `up --detach` still waits out its
 * stable window; the return of `up` and the fill alone are shown too), against `tar -c | kubectl exec -i … tar -x` of
 * the same tree into a running pod, in the same run (rounds alternate). Each way devloop fills a new pod's bind is
 * timed, by a daemon of its own (fillWays): written on this machine's disk, the bed's default, and over exec, as on a
 * remote cluster. Then the edit-to-serving p50 on that tree (an edit of the file the server reads, until the answer
 * through devloop's port-forward changes).
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
import type { TestDaemon } from "../daemon/test/integration/daemon-support.js";
import { createTestDaemon, freePort, sleep } from "../daemon/test/integration/daemon-support.js";
import { diskDetail } from "../daemon/src/engine/live/bind-fill.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "../daemon/test/integration/helpers/index.js";
import { bedKubectl } from "./sync-exec.js";
import { fmt, median, percentile } from "./stats.js";

/** One way devloop's daemon fills a new pod's bind (engine/live/bind-fill.ts), as it is run in the bench. */
export interface FillWay {
  readonly name: string;
  /** The daemon's environment for it (DEVLOOP_BIND_FILL=exec: never through this machine's disk). */
  readonly env: Readonly<Record<string, string>>;
}

export const fillWays: readonly FillWay[] = [
  { name: "written on this machine's disk while the pod starts (the bed's default: its kubelets run here)", env: {} },
  { name: "over exec into the waiting container (DEVLOOP_BIND_FILL=exec, as on a remote cluster)", env: { DEVLOOP_BIND_FILL: "exec" } },
];

export interface BindWayResult {
  readonly way: FillWay;
  /** `devloop up` (daemon already running) until the first answer through the port-forward, ms per round. */
  readonly upMs: readonly number[];
  /** `devloop up --detach` until it returns (after the stable window), ms per round. */
  readonly upExitMs: readonly number[];
  /** The fill alone (the daemon's trace of it: its first sync step), ms per round. */
  readonly fillMs: readonly number[];
  /** Whether that step says the tree was written on this machine's disk, per round. */
  readonly onDisk: readonly boolean[];
  readonly edit: { readonly samples: number; readonly p50: number; readonly p95: number };
}

export interface BindTreeResult {
  readonly files: number;
  readonly bytes: number;
  readonly rounds: number;
  readonly ways: readonly BindWayResult[];
  /** `tar -c | kubectl exec -i pod -- tar -x` of the same tree into a running pod, ms per round. */
  readonly kubectlMs: readonly number[];
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

/** One first `up` of the tree's project by this daemon, timed, then (when `edits`) that many edits, then down. */
const upRound = async (daemon: TestDaemon, tree: string, r: number, edits: number): Promise<{ upMs: number; upExitMs: number; fillMs: number; onDisk: boolean; editMs: number[] }> => {
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
  const upExitMs = performance.now() - started;
  const upMs = await serving;
  // The fill alone: the bind change's first sync step in the daemon's trace (engine/live/bind-fill.ts).
  const client = await daemon.client();
  const project = (await client.state()).projects.find((p) => p.namespace === ns);
  const sync = project?.changes.find((c) => c.action === "bind")?.steps.find((x) => x.step === "sync");
  const editMs: number[] = [];
  for (let e = 1; e <= edits; e++) {
    const t0 = performance.now();
    writeFileSync(path.join(tree, "marker.txt"), `v${e}\n`);
    await waitFor(url, `v${e}\n`, 30_000);
    editMs.push(performance.now() - t0);
    await sleep(200);
  }
  writeFileSync(path.join(tree, "marker.txt"), "v0\n");
  await daemon.cli(["down", "-n", ns], tree, 120_000);
  // `down` keeps the namespace: the bench's own go.
  await deleteTestNamespace(loadBedKubeConfig(), ns);
  await sleep(2_000);
  return { upMs, upExitMs, fillMs: sync?.ms ?? Number.NaN, onDisk: sync?.detail === diskDetail, editMs };
};

export const benchBindTree = async (rounds = Number(process.env["DEVLOOP_BENCH_ROUNDS"] ?? 3), edits = 15): Promise<BindTreeResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const tree = mkdtempSync(path.join(tmpdir(), "devloop-bench-bind-"));
  const bytes = writeTree(tree);
  const image = bedImages().node;
  writeFileSync(path.join(tree, "compose.yml"), bindCompose(image));
  // One daemon per way (the way is read when a daemon starts); rounds alternate: the baseline, then each way.
  const daemons = fillWays.map((way) => {
    const daemon = createTestDaemon();
    Object.assign(daemon.env, way.env);
    return daemon;
  });
  const kubectlMs: number[] = [];
  const runs = fillWays.map(() => ({ upMs: [] as number[], upExitMs: [] as number[], fillMs: [] as number[], onDisk: [] as boolean[], editMs: [] as number[] }));
  try {
    for (const daemon of daemons) await daemon.start();
    for (let r = 0; r < rounds; r++) {
      kubectlMs.push(await kubectlRound(tree, image));
      for (const [i, daemon] of daemons.entries()) {
        const run = runs[i];
        if (run === undefined) continue;
        const round = await upRound(daemon, tree, r, r === rounds - 1 ? edits : 0);
        run.upMs.push(round.upMs);
        run.upExitMs.push(round.upExitMs);
        run.fillMs.push(round.fillMs);
        run.onDisk.push(round.onDisk);
        run.editMs.push(...round.editMs);
      }
    }
  } finally {
    for (const daemon of daemons) await daemon.stop();
    rmSync(tree, { recursive: true, force: true });
  }
  const ways = fillWays.map((way, i): BindWayResult => {
    const run = runs[i] ?? { upMs: [], upExitMs: [], fillMs: [], onDisk: [], editMs: [] };
    return { way, upMs: run.upMs, upExitMs: run.upExitMs, fillMs: run.fillMs, onDisk: run.onDisk, edit: { samples: run.editMs.length, p50: median(run.editMs), p95: percentile(run.editMs, 95) } };
  });
  return { files: FILES, bytes, rounds, ways, kubectlMs, load: [load0, os.loadavg()[0] ?? 0] };
};

export const formatBindTree = (r: BindTreeResult): string => {
  const kubectl = median(r.kubectlMs);
  const rounds = (xs: readonly number[]): string => xs.map((x) => Math.round(x)).join(", ");
  return [
    `First \`up\` of a project bind-mounting ${r.files.toLocaleString("en")} files (${(r.bytes / 2 ** 20).toFixed(0)} MiB), ${r.rounds} rounds, each the baseline then each way devloop fills; 1-min load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}.`,
    "",
    "| measure | median | rounds |",
    "| --- | --- | --- |",
    `| \`tar -c | kubectl exec -i … tar -x\` of the same tree into a running pod (the baseline) | ${fmt(kubectl)} | ${rounds(r.kubectlMs)} |`,
    ...r.ways.flatMap((w) => {
      const up = median(w.upMs);
      return [
        `| **fill ${w.way.name}** | | |`,
        `| devloop \`up --detach\` → first answer through the port-forward (apply, pod start, the tree put in, app start) | ${fmt(up)} | ${rounds(w.upMs)} |`,
        `| … of which the fill (the daemon's trace: its sync step${w.onDisk.every((x) => x) ? "; it overlaps the pod's start" : w.onDisk.some((x) => x) ? `; on disk in ${w.onDisk.filter((x) => x).length} of ${w.onDisk.length} rounds` : ""}) | ${fmt(median(w.fillMs))} | ${rounds(w.fillMs)} |`,
        `| devloop \`up --detach\` returns (+ its 2 s stable window) | ${fmt(median(w.upExitMs))} | ${rounds(w.upExitMs)} |`,
        `| ratio devloop serving / baseline (target ≤ 1.5×) | ${(up / kubectl).toFixed(2)}× | ${w.upMs.map((x, i) => `${(x / (r.kubectlMs[i] ?? Number.NaN)).toFixed(2)}×`).join(", ")} |`,
        `| ratio devloop fill / baseline | ${(median(w.fillMs) / kubectl).toFixed(2)}× | |`,
        `| edit → new answer on that tree, p50 / p95 (${w.edit.samples} edits, last round) | ${fmt(w.edit.p50)} / ${fmt(w.edit.p95)} | |`,
      ];
    }),
  ].join("\n");
};
