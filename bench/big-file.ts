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
import { bindCompose } from "./bind-tree.js";
import { fmt, median } from "./stats.js";

export interface BigFileResult {
  readonly bytes: number;
  readonly rounds: readonly { readonly beforeKiB: number; readonly peakKiB: number; readonly after30KiB: number; readonly syncMs: number }[];
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

export const benchBigFile = async (rounds = 3, bytes = 200 * MIB): Promise<BigFileResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const tree = mkdtempSync(path.join(tmpdir(), "devloop-bench-bigfile-"));
  writeFileSync(path.join(tree, "server.js"), `require("node:http").createServer((q, s) => s.end("ok")).listen(3000);\n`);
  writeFileSync(path.join(tree, "compose.yml"), bindCompose(bedImages().node));
  const kc = loadBedKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const daemon = createTestDaemon();
  const out: { beforeKiB: number; peakKiB: number; after30KiB: number; syncMs: number }[] = [];
  await daemon.start();
  const ns = `dlbigf${Math.random().toString(36).slice(2, 6)}`;
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
    const inPod = (cmd: string) => execInPod(kc, { namespace: ns, pod, container: "app", command: ["sh", "-c", cmd] });
    for (let r = 0; r < rounds; r++) {
      // Settle: past the first pulls and the project load's worker; then the baseline.
      await sleep(r === 0 ? 35_000 : 10_000);
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
      out.push({ beforeKiB, peakKiB, after30KiB: status(pid, "VmRSS"), syncMs });
      rmSync(path.join(tree, name));
    }
    await daemon.cli(["down", "-n", ns], tree, 120_000);
  } finally {
    await daemon.stop();
    // `down` keeps the namespace: the bench's own goes (also after a failure).
    await deleteTestNamespace(kc, ns);
    rmSync(tree, { recursive: true, force: true });
  }
  return { bytes, rounds: out, load: [load0, os.loadavg()[0] ?? 0] };
};

const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

export const formatBigFile = (r: BigFileResult): string => [
  `One ${(r.bytes / MIB).toFixed(0)} MiB file of random bytes written into a bind-mounted tree, ${r.rounds.length} rounds (a new file each); 1-min load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}. Daemon VmRSS before, peak while it is synced (VmHWM after clear_refs, and VmRSS every 50 ms), VmRSS 30 s after it is whole in the pod.`,
  "",
  "| round | before | peak (× before, target ≤ 2×) | 30 s after (× before) | write → whole in the pod |",
  "| --- | --- | --- | --- | --- |",
  ...r.rounds.map((x, i) => `| ${i + 1} | ${mib(x.beforeKiB)} | ${mib(x.peakKiB)} (${(x.peakKiB / x.beforeKiB).toFixed(2)}×) | ${mib(x.after30KiB)} (${(x.after30KiB / x.beforeKiB).toFixed(2)}×) | ${fmt(x.syncMs)} |`),
  `| median | ${mib(median(r.rounds.map((x) => x.beforeKiB)))} | ${(median(r.rounds.map((x) => x.peakKiB / x.beforeKiB))).toFixed(2)}× | ${(median(r.rounds.map((x) => x.after30KiB / x.beforeKiB))).toFixed(2)}× | ${fmt(median(r.rounds.map((x) => x.syncMs)))} |`,
].join("\n");
