/**
 * Issue 5's sync figures on the real local cluster (scripts/local-cluster up):
 * - P1: 30 single-file edits synced into a pod through devloop's syncer, both through an open sync
 *   session and with one exec (client-node WebSocket, length-framed tar) per edit, against the same edits through `tar -c | kubectl exec -i … tar -x` (what Tilt and
 *   Skaffold do), interleaved in the same run; p50, p95 and the ratio. Every sync is checked in the pod
 *   (untimed) before the next edit.
 * - P5: a 5,000-file storm written to a watched tree: time from the first write until everything is in the
 *   pod (the daemon's Linux watcher, fs.watch per directory → one batch → one sync), and a full remote hash listing to prove nothing is lost.
 * The integrator wires benchSync/formatSyncBench into bench/run.ts.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { createDirWatcher } from "../daemon/src/adapters/dir-watcher.js";
import { createKubeExec, createKubeExecStream } from "../daemon/src/adapters/kube-exec.js";
import { createTarSyncer } from "../daemon/src/adapters/tar-syncer.js";
import { systemClock } from "../daemon/src/clock/clock.js";
import type { SyncPod } from "../daemon/src/ports/syncer.js";
import type { ChangeBatch } from "../daemon/src/sync/batcher.js";
import type { HashManifest } from "../daemon/src/sync/hash-manifest.js";
import { detectDrift, emptyManifest, parseRemoteListing } from "../daemon/src/sync/hash-manifest.js";
import { listCommand } from "../daemon/src/sync/remote-commands.js";
import { bedImages, bedKubeconfigPath, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "../daemon/test/integration/helpers/index.js";
import { fmt, median, percentile } from "./stats.js";

export interface SyncBenchResult {
  readonly edits: number;
  /** Through an open sync session (the default the daemon should use). */
  readonly session: { readonly p50: number; readonly p95: number };
  /** The same session, files extracted directly by tar (not atomic: how it was before staged renames). */
  readonly sessionDirect: { readonly p50: number; readonly p95: number };
  /** Batches of N rewritten files through the session, staged + renamed against direct: medians of the sync, ms. */
  readonly batches: readonly { readonly files: number; readonly staged: number; readonly direct: number }[];
  /** One exec per batch (the fallback). */
  readonly devloop: { readonly p50: number; readonly p95: number };
  readonly kubectl: { readonly p50: number; readonly p95: number; readonly binary: string };
  /** kubectl p50 / session p50 and kubectl p50 / one-exec p50. */
  readonly ratio: number;
  readonly ratioOneExec: number;
  readonly storm: { readonly files: number; readonly batches: number; readonly writeMs: number; readonly toSyncedMs: number; readonly syncMs: number; readonly phases: { readonly scanMs: number; readonly tarMs: number; readonly execMs: number }; readonly bytes: number; readonly missing: number; readonly changed: number };
  /** 1-minute load average at the start and end of the run: the figures depend on it on a shared machine. */
  readonly load: readonly [number, number];
}

const TARGET = "/app";

/** The bed's kubectl (1.20, built by scripts/local-cluster), else $KUBECTL, else the one on PATH. */
export const bedKubectl = (): string => {
  if (process.env["KUBECTL"]) return process.env["KUBECTL"];
  const built = path.join(process.env["DEVLOOP_CACHE"] ?? "/var/cache/devloop", "k8s-v1.20.2/bin/kubectl");
  return existsSync(built) ? built : "kubectl";
};

/** A pod "bench" that sleeps with an emptyDir at /app: the sync benches' target (bench/pull-read.ts too). */
export const podSpec = (image: string): V1Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "bench" },
  spec: {
    terminationGracePeriodSeconds: 0,
    volumes: [{ name: "src", emptyDir: {} }],
    containers: [{ name: "app", image, imagePullPolicy: "Never", command: ["sleep", "infinity"], volumeMounts: [{ name: "src", mountPath: TARGET }] }],
  },
});

const run = (cmd: string, args: readonly string[]): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });

export const benchSync = async (edits = 30): Promise<SyncBenchResult> => {
  const loadStart = os.loadavg()[0] ?? 0;
  const kc: KubeConfig = loadBedKubeConfig();
  const ns = await createTestNamespace(kc, "bench-sync");
  const root = await mkdtemp(path.join(tmpdir(), "devloop-bench-sync-"));
  try {
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: podSpec(bedImages().node) });
    await waitForPodReady(kc, { namespace: ns, name: "bench", timeoutMs: 90_000 });
    const pod: SyncPod = { namespace: ns, pod: "bench", container: "app" };
    const exec = createKubeExec(kc);
    const syncer = createTarSyncer({ exec });
    const sessionSyncer = createTarSyncer({ exec, openStream: createKubeExecStream(kc) });
    const directSyncer = createTarSyncer({ exec, openStream: createKubeExecStream(kc), stageLimit: 0 });
    const kubectl = bedKubectl();
    const check = async (rel: string, want: string): Promise<void> => {
      const r = await exec(pod, ["cat", `${TARGET}/${rel}`]);
      if (r.stdout !== want) throw new Error(`bench: ${rel} in the pod is ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(want)}`);
    };

    await mkdir(path.join(root, "src"), { recursive: true });
    await writeFile(path.join(root, "src/app.js"), "warm\n");
    await writeFile(path.join(root, "src/base.js"), "warm\n");
    await writeFile(path.join(root, "src/live.js"), "warm\n");
    let manifest: HashManifest = (await syncer.fullSync({ pod, localRoot: root, targetDir: TARGET, previous: emptyManifest })).manifest;

    // Open the session outside the timed loop, as the daemon does when the pod becomes ready.
    manifest = (await sessionSyncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: ["src/live.js"] })).manifest;
    await writeFile(path.join(root, "src/direct.js"), "warm\n");
    manifest = (await directSyncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: ["src/direct.js"] })).manifest;
    // P1: interleave the three so all see the same machine load.
    const live: number[] = [];
    const direct: number[] = [];
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < edits; i += 1) {
      const viaSession = `module.exports = "session ${i}";\n`;
      await writeFile(path.join(root, "src/live.js"), viaSession);
      let t0 = performance.now();
      const rs = await sessionSyncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: [path.join(root, "src/live.js")] });
      live.push(performance.now() - t0);
      manifest = rs.manifest;
      await check("src/live.js", viaSession);

      const viaDirect = `module.exports = "direct ${i}";\n`;
      await writeFile(path.join(root, "src/direct.js"), viaDirect);
      t0 = performance.now();
      const rd = await directSyncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: [path.join(root, "src/direct.js")] });
      direct.push(performance.now() - t0);
      manifest = rd.manifest;
      await check("src/direct.js", viaDirect);

      const mine = `module.exports = "devloop ${i}";\n`;
      await writeFile(path.join(root, "src/app.js"), mine);
      t0 = performance.now();
      const r = await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: [path.join(root, "src/app.js")] });
      ours.push(performance.now() - t0);
      manifest = r.manifest;
      await check("src/app.js", mine);

      const base = `module.exports = "kubectl ${i}";\n`;
      await writeFile(path.join(root, "src/base.js"), base);
      t0 = performance.now();
      const k = await run("sh", ["-c", `tar -c -C "$1" src/base.js | "$2" --kubeconfig "$3" exec -i -n "$4" bench -c app -- tar -x -m -f - -C ${TARGET}`, "sh", root, kubectl, bedKubeconfigPath(), ns]);
      theirs.push(performance.now() - t0);
      if (k.code !== 0) throw new Error(`bench: kubectl baseline failed (${k.code}): ${k.stderr.trim()}`);
      await check("src/base.js", base);
    }

    // What a rename per file costs: batches of N rewritten files, staged against direct, interleaved.
    const batchSizes: SyncBenchResult["batches"][number][] = [];
    for (const n of [1, 10, 50, 100]) {
      const rels = Array.from({ length: n }, (_, k) => `batch${n}/f${k}.js`);
      await mkdir(path.join(root, `batch${n}`), { recursive: true });
      const times = { staged: [] as number[], direct: [] as number[] };
      for (let rep = 0; rep < 6; rep += 1) {
        for (const [kind, s] of [["staged", sessionSyncer], ["direct", directSyncer]] as const) {
          await Promise.all(rels.map((rel) => writeFile(path.join(root, rel), `${kind} ${rep} ${rel}\n`)));
          const r = await s.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: rels });
          manifest = r.manifest;
          if (r.put.length !== n) throw new Error(`bench: batch of ${n} put ${r.put.length}`);
          // The first round opens nothing new but warms the directory; not counted.
          if (rep > 0) times[kind].push(r.ms);
        }
      }
      batchSizes.push({ files: n, staged: median(times.staged), direct: median(times.direct) });
    }

    // P5: the storm, through the real watcher.
    const watcher = createDirWatcher({ clock: systemClock });
    const batches: ChangeBatch[] = [];
    const session = await watcher.watch([{ id: "bench", path: root }], { onBatch: (b) => batches.push(b), onError: () => undefined });
    let storm: SyncBenchResult["storm"];
    try {
      const started = performance.now();
      for (let d = 0; d < 50; d += 1) {
        await mkdir(path.join(root, "storm", `d${d}`), { recursive: true });
        await Promise.all(Array.from({ length: 100 }, (_, f) => writeFile(path.join(root, "storm", `d${d}`, `f${f}.txt`), `storm ${d}/${f}\n`)));
      }
      const writeMs = performance.now() - started;
      while (batches.length === 0) await new Promise((r) => setTimeout(r, 10));
      const batch = batches[0];
      if (batch === undefined) throw new Error("bench: no batch");
      const r = await sessionSyncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: batch.events.map((e) => e.path), rescan: batch.storm });
      const toSyncedMs = performance.now() - started;
      manifest = r.manifest;
      const listing = await exec(pod, listCommand(TARGET));
      const drift = detectDrift(manifest, parseRemoteListing(listing.stdout));
      const stormFiles = [...manifest.keys()].filter((k) => k.startsWith("storm/")).length;
      await new Promise((res) => setTimeout(res, 300));
      storm = { files: stormFiles, batches: batches.length, writeMs, toSyncedMs, syncMs: r.ms, phases: r.phases, bytes: r.bytes, missing: drift.missing.length, changed: drift.changed.length };
    } finally {
      await session.close();
    }

    sessionSyncer.close();
    directSyncer.close();
    const viaSession = { p50: median(live), p95: percentile(live, 95) };
    const sessionDirect = { p50: median(direct), p95: percentile(direct, 95) };
    const devloop = { p50: median(ours), p95: percentile(ours, 95) };
    const baseline = { p50: median(theirs), p95: percentile(theirs, 95), binary: kubectl };
    return { edits, session: viaSession, sessionDirect, batches: batchSizes, devloop, kubectl: baseline, ratio: baseline.p50 / viaSession.p50, ratioOneExec: baseline.p50 / devloop.p50, storm, load: [loadStart, os.loadavg()[0] ?? 0] };
  } finally {
    await deleteTestNamespace(kc, ns);
    await rm(root, { recursive: true, force: true });
  }
};

export const formatSyncBench = (r: SyncBenchResult): string =>
  [
    `Load average (1 min) at start / end: ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)} on ${os.cpus().length} cores`,
    "",
    `P1: ${r.edits} single-file edits synced into a pod (each checked in the pod, untimed), interleaved in one run`,
    "",
    "| path | p50 | p95 |",
    "| --- | --- | --- |",
    `| devloop syncer, open sync session (one WebSocket round trip per edit; staged + mv, atomic) | ${fmt(r.session.p50)} | ${fmt(r.session.p95)} |`,
    `| same session, tar extracts directly (not atomic, as before) | ${fmt(r.sessionDirect.p50)} | ${fmt(r.sessionDirect.p95)} |`,
    `| devloop syncer, one exec per edit (the fallback; length-framed tar) | ${fmt(r.devloop.p50)} | ${fmt(r.devloop.p95)} |`,
    `| baseline: tar -c \\| kubectl exec -i … tar -x (${r.kubectl.binary}) | ${fmt(r.kubectl.p50)} | ${fmt(r.kubectl.p95)} |`,
    `| ratio baseline p50 / session p50 | ${r.ratio.toFixed(1)}× | |`,
    `| ratio baseline p50 / one-exec p50 | ${r.ratioOneExec.toFixed(2)}× | |`,
    "",
    "Batches of N rewritten files through the session (median of 5 each, interleaved): staged + one mv per file against direct extraction",
    "",
    "| files | staged (atomic) | direct | difference per file |",
    "| --- | --- | --- | --- |",
    ...r.batches.map((b) => `| ${b.files} | ${fmt(b.staged)} | ${fmt(b.direct)} | ${fmt((b.staged - b.direct) / b.files)} |`),
    "",
    `P5 (through the session): ${r.storm.files.toLocaleString("en")}-file storm → ${r.storm.batches} batch(es); written in ${fmt(r.storm.writeMs)} (by this process, which also runs the watcher), first write → synced ${fmt(r.storm.toSyncedMs)}, last write → synced ${fmt(r.storm.toSyncedMs - r.storm.writeMs)} (sync itself ${fmt(r.storm.syncMs)}: scan+hash ${fmt(r.storm.phases.scanMs)}, tar ${fmt(r.storm.phases.tarMs)}, exec ${fmt(r.storm.phases.execMs)}; ${(r.storm.bytes / 1024 / 1024).toFixed(1)} MiB of tar); remote hash check: ${r.storm.missing} missing, ${r.storm.changed} changed`,
  ].join("\n");
