/**
 * Issue 15 item 7 on the real local cluster: the daemon's memory while one big file is synced. A project bind-mounts a
 * small tree (`.:/src`, a Node server); once it serves and the daemon has settled, a 200 MiB file of random bytes (not
 * compressible: nothing gzip could shrink) is written into the tree. Measured from /proc/<daemon pid>/status: VmRSS
 * before (median of 5 samples a second apart), the peak while the file is synced (VmHWM, reset with clear_refs just
 * before the write, and VmRSS sampled every 50 ms), and VmRSS 30 s after the file is whole in the pod (checked by
 * sha256 in the container). Target: peak ≤ 2× before, and back to the baseline within 30 s.
 *
 *   eval "$(bash scripts/local-cluster env)"; npm run bench -- big-file
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { createTestDaemon, freePort, sleep } from "../daemon/test/integration/daemon-support.js";
import { bedImages, deleteTestNamespace, execInPod, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";
import { CoreV1Api } from "@kubernetes/client-node";
import { daemonEnv, daemonNodeFlags } from "../daemon/src/api/daemon-process.js";
import { bindCompose } from "./bind-tree.js";
import { fmt, median } from "./stats.js";

export interface BigFileResult {
  readonly bytes: number;
  readonly rounds: readonly Round[];
  readonly load: readonly [number, number];
}

const MIB = 1024 * 1024;

const status = (pid: number, key: "VmRSS" | "VmHWM"): number => {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? Number.NaN);
};


/** A file of `bytes` random bytes, written 4 MiB at a time; its sha256. */
const writeRandomFile = (file: string, bytes: number): string => {
  const hash = createHash("sha256");
  const fd = openSync(file, "w");
  try {
    for (let left = bytes; left > 0; left -= 4 * MIB) {
      const chunk = randomBytes(Math.min(4 * MIB, left));
      hash.update(chunk);
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
};

type Round = { readonly gc: boolean; readonly beforeKiB: number; readonly peakKiB: number; readonly after30KiB: number; readonly syncMs: number };

/** One daemon serving the project in its own namespace, ready for rounds. */
const startSide = async (gc: boolean, core: CoreV1Api) => {
  const tree = mkdtempSync(path.join(tmpdir(), "devloop-bench-bigfile-"));
  writeFileSync(path.join(tree, "server.js"), `require("node:http").createServer((q, s) => s.end("ok")).listen(3000);\n`);
  writeFileSync(path.join(tree, "compose.yml"), bindCompose(bedImages().node));
  const daemon = createTestDaemon();
  // Without --expose-gc the idle collection after a streamed payload (adapters/idle-collect.ts) does nothing.
  // Nor without daemonEnv's fixed mmap threshold: the daemon as it was before both.
  if (!gc) {
    daemon.nodeFlags = daemonNodeFlags.filter((f) => f !== "--expose-gc");
    for (const key of Object.keys(daemonEnv)) delete daemon.env[key];
  }
  const ns = `dlbigf${Math.random().toString(36).slice(2, 6)}`;
  const stop = async (): Promise<void> => {
    await daemon.stop();
    // `down` keeps the namespace: the bench's own goes (also after a failure).
    await deleteTestNamespace(loadBedKubeConfig(), ns);
    rmSync(tree, { recursive: true, force: true });
  };
  await daemon.start();
  try {
    const port = await freePort();
    Object.assign(daemon.env, { APP_PORT: String(port) });
    const up = await daemon.cli(["up", "-n", ns, "--detach", "--wait-timeout", "300"], tree, 360_000);
    if (up.code !== 0) throw new Error(`up failed: ${up.stdout}${up.stderr}`);
    const pid = daemon.process?.pid;
    if (pid === undefined) throw new Error("no daemon pid");
    const pods = await core.listNamespacedPod({ namespace: ns });
    const pod = pods.items.find((p) => p.status?.phase === "Running")?.metadata?.name;
    if (pod === undefined) throw new Error(`no running pod in ${ns}`);
    return { gc, tree, pid, ns, pod, stop, down: () => daemon.cli(["down", "-n", ns], tree, 120_000) };
  } catch (error) {
    await stop();
    throw error;
  }
};

const round = async (side: Awaited<ReturnType<typeof startSide>>, r: number, bytes: number): Promise<Round> => {
  const kc = loadBedKubeConfig();
  const { pid, tree } = side;
  const inPod = (cmd: string) => execInPod(kc, { namespace: side.ns, pod: side.pod, container: "app", command: ["sh", "-c", cmd] });
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) { samples.push(status(pid, "VmRSS")); await sleep(1_000); }
  const beforeKiB = median(samples);
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
  let peak = status(pid, "VmRSS");
  const sampler = setInterval(() => { try { peak = Math.max(peak, status(pid, "VmRSS")); } catch { /* gone */ } }, 50);
  const name = `big${r}.bin`;
  const t0 = performance.now();
  const want = writeRandomFile(path.join(tree, name), bytes);
  let syncMs = Number.NaN;
  try {
    const until = Date.now() + 300_000;
    for (;;) {
      const size = (await inPod(`stat -c %s /src/${name} 2>/dev/null || echo 0`)).stdout.trim();
      if (Number(size) === bytes) break;
      if (Date.now() > until) throw new Error(`${name} did not reach the pod (size ${size})`);
      await sleep(250);
    }
    syncMs = performance.now() - t0;
  } finally {
    clearInterval(sampler);
  }
  const got = (await inPod(`sha256sum /src/${name}`)).stdout.split(" ")[0];
  if (got !== want) throw new Error(`${name} in the pod has sha256 ${got}, expected ${want}`);
  const peakKiB = Math.max(peak, status(pid, "VmHWM"));
  await sleep(30_000);
  const after30KiB = status(pid, "VmRSS");
  rmSync(path.join(tree, name));
  return { gc: side.gc, beforeKiB, peakKiB, after30KiB, syncMs };
};

/**
 * Two daemons, each serving the project in its own namespace: the daemon as the CLI starts it, and the same without
 * --expose-gc and daemonEnv (no idle collection, glibc's default mmap threshold); rounds alternate between them (the
 * other idles meanwhile).
 */
export const benchBigFile = async (rounds = 3, bytes = 200 * MIB): Promise<BigFileResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const core = loadBedKubeConfig().makeApiClient(CoreV1Api);
  const out: Round[] = [];
  const sides = [await startSide(false, core)];
  try {
    sides.push(await startSide(true, core));
    // Settle: past the first pulls and the project load's worker.
    await sleep(35_000);
    for (let r = 0; r < rounds; r++) {
      for (const side of sides) {
        out.push(await round(side, r, bytes));
        await sleep(5_000);
      }
    }
    for (const side of sides) await side.down();
  } finally {
    for (const side of sides) await side.stop();
  }
  return { bytes, rounds: out, load: [load0, os.loadavg()[0] ?? 0] };
};

const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

const sideName = (gc: boolean): string => (gc ? "daemon as started (idle GC, mmap threshold)" : "without --expose-gc nor daemonEnv");

export const formatBigFile = (r: BigFileResult): string => [
  `One ${(r.bytes / MIB).toFixed(0)} MiB file of random bytes written into a bind-mounted tree, ${r.rounds.length} rounds (a new file each) alternating between two daemons (the daemon as started, and one without --expose-gc and daemonEnv: no idle collection, glibc's default mmap threshold); 1-min load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}. Daemon VmRSS before, peak while it is synced (VmHWM after clear_refs, and VmRSS every 50 ms), VmRSS 30 s after it is whole in the pod.`,
  "",
  "| round | daemon | before | peak (× before, target ≤ 2×) | 30 s after (× before) | write → whole in the pod |",
  "| --- | --- | --- | --- | --- | --- |",
  ...r.rounds.map((x, i) => `| ${i + 1} | ${sideName(x.gc)} | ${mib(x.beforeKiB)} | ${mib(x.peakKiB)} (${(x.peakKiB / x.beforeKiB).toFixed(2)}×) | ${mib(x.after30KiB)} (${(x.after30KiB / x.beforeKiB).toFixed(2)}×) | ${fmt(x.syncMs)} |`),
  ...[false, true].map((gc) => {
    const rs = r.rounds.filter((x) => x.gc === gc);
    return `| median | ${sideName(gc)} | ${mib(median(rs.map((x) => x.beforeKiB)))} | ${(median(rs.map((x) => x.peakKiB / x.beforeKiB))).toFixed(2)}× | ${(median(rs.map((x) => x.after30KiB / x.beforeKiB))).toFixed(2)}× | ${fmt(median(rs.map((x) => x.syncMs)))} |`;
  }),
].join("\n");
