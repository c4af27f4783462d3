/**
 * Issue 10: the bind fill alone, by variant. bench/bind-tree.ts's 20,000-file, 200 MiB tree put into an empty
 * directory of one running pod through devloop's syncer (fullSync, as engine/live/bind-fill.ts does), against
 * `tar -c | kubectl exec -i … tar -x` of the same tree into the same pod; rounds alternate. Wall time and this
 * process's CPU (process.cpuUsage: the syncer's reading, hashing, packing, gzip and the WebSocket) per round, and the
 * CPU each part of the path spent (bench/cpu-split.ts: kubectl and tar, the apiserver, the kubelet, dockerd, containerd
 * and shims, the pod's cgroup), which says where the work goes when the wall time follows the machine's load.
 *
 *   eval "$(bash scripts/local-cluster env)"; npm run bench -- bind-fill
 *   DEVLOOP_BENCH_ROUNDS=3 (default)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { createKubeExec, createKubeExecStream } from "../daemon/src/adapters/kube-exec.js";
import type { TarSyncerParams } from "../daemon/src/adapters/tar-syncer.js";
import { createTarSyncer } from "../daemon/src/adapters/tar-syncer.js";
import { createNodeDiskVolumes } from "../daemon/src/adapters/node-disk-volumes.js";
import { createPodReader } from "../daemon/src/adapters/kube-pod-uid.js";
import type { SyncPod } from "../daemon/src/ports/syncer.js";
import { emptyManifest } from "../daemon/src/sync/hash-manifest.js";
import { bedImages, bedKubeconfigPath, createTestNamespace, deleteTestNamespace, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";
import { startSinkPod, writeTree } from "./bind-tree.js";
import type { CpuSample } from "./cpu-split.js";
import { cpuComponents, cpuSample, cpuSpent } from "./cpu-split.js";
import { bedKubectl } from "./sync-exec.js";
import { fmt, median } from "./stats.js";

interface Variant {
  readonly name: string;
  readonly params: Omit<TarSyncerParams, "exec">;
  /** FullSyncParams.fresh: one tar into the empty target, as a bind's fill into its init container. */
  readonly fresh?: boolean;
  /** prepareFull this long before the fill (a first up's pod scheduling and start), its stream packed ahead meanwhile. */
  readonly aheadMs?: number;
  /** Extracted into the pod's emptyDir on this machine's disk (FullSyncParams.hostDir, adapters/node-disk-volumes.ts). */
  readonly disk?: boolean;
}

/** The wait before every fill (each variant's timer starts after it): what a first up's pod start leaves. */
const podStartMs = 1_500;

const variants: readonly Variant[] = [
  { name: "devloop fill as a bind fills (fresh: one tar), gzip when it pays, nothing prepared", params: {}, fresh: true },
  { name: `devloop fill as a bind fills, prepared (walked and packed ahead) ${podStartMs} ms before`, params: {}, fresh: true, aheadMs: podStartMs },
  { name: "devloop fill as a bind fills, plain tar (no gzip), nothing prepared", params: { gzipStreams: () => false }, fresh: true },
  { name: "devloop fill as records (a tar per directory, confined), gzip when it pays", params: {} },
  { name: "devloop fill written on this machine's disk (the pod's emptyDir), nothing prepared", params: {}, fresh: true, disk: true },
  { name: `devloop fill written on this machine's disk, prepared (walked ahead) ${podStartMs} ms before`, params: {}, fresh: true, aheadMs: podStartMs, disk: true },
  { name: "`tar -c | tar -x` on this machine into the pod's emptyDir", params: {}, disk: true },
];

const sh = (script: string, ...args: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script, "sh", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`exited ${code}: ${stderr}`))));
  });

export const benchBindFill = async (rounds = Number(process.env["DEVLOOP_BENCH_ROUNDS"] ?? 3)): Promise<string> => {
  const load0 = os.loadavg()[0] ?? 0;
  const tree = mkdtempSync(path.join(tmpdir(), "devloop-bench-bind-"));
  writeTree(tree);
  const kc = loadBedKubeConfig();
  const ns = await createTestNamespace(kc, "dlbindfill");
  const image = bedImages().node;
  const pod: SyncPod = { namespace: ns, pod: "sink", container: "sink" };
  const exec = createKubeExec(kc);
  const times = new Map<string, number[]>();
  const cpus = new Map<string, number[]>();
  const splits = new Map<string, CpuSample[]>();
  const add = (m: Map<string, number[]>, k: string, v: number): void => { m.set(k, [...(m.get(k) ?? []), v]); };
  try {
    await startSinkPod(kc, ns, image);
    const uid = (await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: ns, name: "sink" })).metadata?.uid;
    const split = (name: string, before: CpuSample): void => { splits.set(name, [...(splits.get(name) ?? []), cpuSpent(before, cpuSample(uid))]); };
    const clear = async (): Promise<void> => { await exec(pod, ["sh", "-c", "rm -rf /src/* /src/.[!.]*; mkdir -p /src/k /src/d; sync"], { timeoutMs: 120_000 }); };
    const volume = (await createNodeDiskVolumes({ readPod: createPodReader(kc) }).find(pod, ["/src"], AbortSignal.timeout(10_000)))?.get("/src");
    if (volume === undefined) throw new Error("the sink pod's emptyDir is not on this machine's disk (is the daemon's user root?)");
    const hostDir = path.join(volume.dir, "d");
    for (let r = 0; r < rounds; r++) {
      await clear();
      const s0 = cpuSample(uid);
      const t0 = performance.now();
      await sh(`tar -c -C "$1" . | "$2" --kubeconfig "$3" -n "$4" exec -i sink -- tar -x -m -C /src/k -f -`, tree, bedKubectl(), bedKubeconfigPath(), ns);
      add(times, "kubectl", performance.now() - t0);
      split("kubectl", s0);
      for (const v of variants) {
        await clear();
        if (v.disk === true && v.fresh !== true) {
          const t2 = performance.now();
          await sh('tar -c -C "$1" . | tar -x -m -C "$2" -f -', tree, hostDir);
          add(times, v.name, performance.now() - t2);
          continue;
        }
        const syncer = createTarSyncer({ exec, openStream: createKubeExecStream(kc), ...v.params });
        if (v.aheadMs !== undefined) syncer.prepareFull?.({ localRoot: tree, ...(v.disk === true ? { toDisk: true } : {}) });
        await new Promise((r) => setTimeout(r, podStartMs));
        const cpu0 = process.cpuUsage();
        const s1 = cpuSample(uid);
        const t1 = performance.now();
        const result = await syncer.fullSync({ pod, localRoot: tree, targetDir: "/src/d", previous: emptyManifest, ...(v.fresh === true ? { fresh: true } : {}), ...(v.disk === true ? { hostDir } : {}) });
        add(times, v.name, performance.now() - t1);
        split(v.name, s1);
        const cpu = process.cpuUsage(cpu0);
        add(cpus, v.name, (cpu.user + cpu.system) / 1000);
        syncer.close();
        if (result.put.length < 20_000) throw new Error(`${v.name}: put ${result.put.length} files`);
      }
    }
  } finally {
    await deleteTestNamespace(kc, ns);
    rmSync(tree, { recursive: true, force: true });
  }
  const base = median(times.get("kubectl") ?? []);
  const rows = [...times.entries()].map(([name, ms]) =>
    `| ${name} | ${fmt(median(ms))} | ${ms.map((x) => Math.round(x)).join(", ")} | ${cpus.has(name) ? fmt(median(cpus.get(name) ?? [])) : "—"} | ${(median(ms) / base).toFixed(2)}× |`);
  return [
    `The bind fill alone: 20,000 files, 200 MiB into an empty directory of a running pod; ${rounds} rounds, 1-min load ${load0.toFixed(1)} → ${(os.loadavg()[0] ?? 0).toFixed(1)}.`,
    "",
    "| way | median | rounds (ms) | CPU of this process | ratio to kubectl |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "CPU by part of the path, median ms per round (self: this process; children: kubectl and tar; pod: the sink pod's cgroup):",
    "",
    `| way | ${cpuComponents.join(" | ")} | sum |`,
    `| --- | ${cpuComponents.map(() => "---").join(" | ")} | --- |`,
    ...[...splits.entries()].map(([name, samples]) => {
      const per = cpuComponents.map((c) => median(samples.map((x) => x[c] ?? 0)));
      return `| ${name} | ${per.map((x) => Math.round(x)).join(" | ")} | ${Math.round(median(samples.map((x) => cpuComponents.reduce((sum, c) => sum + (x[c] ?? 0), 0))))} |`;
    }),
  ].join("\n");
};
