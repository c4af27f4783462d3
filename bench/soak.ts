/**
 * Issue 15's soak: one real daemon on the bed runs a project of 5 services, each with its source directory
 * bind-mounted into its pod (bench/soak-project.ts); 1,000 mixed edits (create, modify, delete, rename, mkdir) are made
 * over 5 minutes, spread across the services. Then, for every service, the pod's /app is compared with the local tree
 * by hashes (and directories). Reports lost/wrong/extra files, the daemon's RSS (/proc/<pid>/status VmRSS) from the
 * start of the edits to the end — both read as soon as every pod was equal after a stream: the start after a warm-up of
 * 100 edits at the same pace, the end after the 1,000 — and before any edit, its CPU time, the edit rate, and how long
 * after the last edit every tree matched. DEVLOOP_BENCH_SOAK_EDITS, DEVLOOP_BENCH_SOAK_SECONDS and
 * DEVLOOP_BENCH_SOAK_WARMUP shorten it; DEVLOOP_BENCH_DAEMON_FLAGS replaces the daemon's Node flags.
 * DEVLOOP_BENCH_SOAK_HEAP_DIR=<dir> also writes a V8 heap snapshot of the daemon there at each of the three readings
 * (`--heapsnapshot-signal`; the snapshots themselves grow the RSS read after them, so take RSS figures from a run without).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sleep } from "../daemon/test/integration/daemon-support.js";
import { createEditor, createSoakProject, diffCount, localTree, summariseDiffs, type EditKind, type SoakProject, type TreeDiff } from "./soak-project.js";

export interface SoakResult {
  readonly services: number;
  readonly edits: number;
  readonly seconds: number;
  readonly kinds: Record<EditKind, number>;
  readonly localFiles: number;
  /** ms from the last edit until every pod matched; undefined when they never did within the wait. */
  readonly convergedMs: number | undefined;
  readonly lost: number;
  readonly wrong: number;
  readonly extra: number;
  readonly dirDiffs: number;
  readonly unreadable: readonly string[];
  readonly detail: string;
  /** cold: after up, before any edit; start: just after the warm-up stream converged; end: just after the edits converged. */
  readonly rssKiB: { readonly cold: number; readonly start: number; readonly end: number; readonly peak: number; readonly afterIdle: number };
  /** The same three readings split into anonymous memory and file pages (KiB). */
  readonly parts: { readonly cold: RssParts; readonly start: RssParts; readonly end: RssParts };
  /** Heap snapshot files written (DEVLOOP_BENCH_SOAK_HEAP_DIR), in reading order. */
  readonly snapshots: readonly string[];
  readonly warmup: number;
  /** VmRSS (KiB) every 30 s of the edit stream: a plateau is a warm-up (bounded logs filling), a slope a leak. */
  readonly rssTimeline: readonly number[];
  /** The daemon's CPU time (user + system) from the start of the edits until every pod matched, in seconds. */
  readonly cpuSeconds: number;
  /** The Node flags the daemon ran with. */
  readonly nodeFlags: readonly string[];
  readonly load: readonly [number, number];
}

type RssParts = ReturnType<SoakProject["rssParts"]>;

/** Signals the daemon to write a heap snapshot into `dir` and waits until the new file stops growing. */
const heapSnapshot = async (pid: number | undefined, dir: string): Promise<string> => {
  const before = new Set(readdirSync(dir));
  if (pid !== undefined) process.kill(pid, "SIGUSR2");
  const until = Date.now() + 120_000;
  let size = -1;
  while (Date.now() < until) {
    await sleep(1_000);
    const file = readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    if (file === undefined) continue;
    const now = statSync(path.join(dir, file)).size;
    if (now > 0 && now === size) return path.join(dir, file);
    size = now;
  }
  throw new Error(`bench: no heap snapshot in ${dir}`);
};

export const benchSoak = async (
  edits = Number(process.env["DEVLOOP_BENCH_SOAK_EDITS"] ?? 1_000),
  seconds = Number(process.env["DEVLOOP_BENCH_SOAK_SECONDS"] ?? 300),
  serviceCount = 5,
  warmup = Number(process.env["DEVLOOP_BENCH_SOAK_WARMUP"] ?? 100),
): Promise<SoakResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const p = await createSoakProject(serviceCount, "soak");
  const heapDir = process.env["DEVLOOP_BENCH_SOAK_HEAP_DIR"];
  if (heapDir !== undefined) {
    if (!existsSync(heapDir)) throw new Error(`bench: DEVLOOP_BENCH_SOAK_HEAP_DIR ${heapDir} does not exist`);
    p.daemon.nodeFlags = [...p.daemon.nodeFlags, "--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${heapDir}`];
  }
  const snapshots: string[] = [];
  const snap = async (): Promise<void> => { if (heapDir !== undefined) snapshots.push(await heapSnapshot(p.daemon.process?.pid, heapDir)); };
  try {
    await p.up();
    // Every pod serving and equal to its tree before the edits start; then a settle, then the RSS baseline.
    const ready = Date.now() + 120_000;
    for (;;) {
      const { diffs, unreadable } = await p.compare();
      if (unreadable.length === 0 && [...diffs.values()].every((d) => diffCount(d) === 0) && (await p.answer()) !== undefined) break;
      if (Date.now() > ready) throw new Error(`bench: trees never matched after up: ${unreadable.join(",")} ${summariseDiffs(diffs)}`);
      await sleep(1_000);
    }
    // 35 s: past the 30 s a project-load worker is kept after a load (adapters/isolated-project-loader.ts); the RSS
    // then is the daemon's before any edit.
    await sleep(35_000);
    const rssCold = p.rss();
    const partsCold = p.rssParts();
    await snap();
    // A warm-up stream at the same pace (its own editors, so names never collide), until every pod is equal again: the
    // code paths of an edit are compiled and the stores filled, so start and end are both read just after a stream
    // converged — the same point of the garbage collector's cycle — and the difference is what the 1,000 edits kept.
    const warmEditors = p.services.map((s, i) => createEditor(path.join(p.dir, s), 104_729 * (i + 1)));
    const tw = Date.now();
    for (let i = 0; i < warmup; i++) {
      const due = tw + (i * seconds * 1_000) / edits;
      if (due > Date.now()) await sleep(due - Date.now());
      warmEditors[Math.floor(Math.random() * warmEditors.length)]?.edit();
    }
    const warmed = Date.now() + 120_000;
    for (;;) {
      const { diffs, unreadable } = await p.compare();
      if (unreadable.length === 0 && [...diffs.values()].every((d) => diffCount(d) === 0)) break;
      if (Date.now() > warmed) throw new Error(`bench: trees never matched after the warm-up: ${unreadable.join(",")} ${summariseDiffs(diffs)}`);
      await sleep(1_000);
    }
    const rssStart = p.rss();
    const partsStart = p.rssParts();
    await snap();
    const cpuStart = p.cpuSeconds();
    let peak = rssStart;
    const rssTimeline = [rssStart];
    const editors = p.services.map((s, i) => createEditor(path.join(p.dir, s), 7_919 * (i + 1)));
    const t0 = Date.now();
    const every = (seconds * 1_000) / edits;
    for (let i = 0; i < edits; i++) {
      const due = t0 + i * every;
      if (due > Date.now()) await sleep(due - Date.now());
      const which = Math.floor(Math.random() * editors.length);
      editors[which]?.edit();
      if (i % 20 === 0) peak = Math.max(peak, p.rss());
      if (Date.now() - t0 >= rssTimeline.length * 30_000) rssTimeline.push(p.rss());
    }
    const tLast = Date.now();
    const took = (tLast - t0) / 1_000;
    let convergedMs: number | undefined;
    let last: { diffs: Map<string, TreeDiff>; unreadable: string[] } = { diffs: new Map(), unreadable: [] };
    const deadline = tLast + 120_000;
    while (Date.now() < deadline) {
      last = await p.compare();
      if (last.unreadable.length === 0 && [...last.diffs.values()].every((d) => diffCount(d) === 0)) {
        convergedMs = Date.now() - tLast;
        break;
      }
      await sleep(1_000);
    }
    const rssEnd = p.rss();
    const partsEnd = p.rssParts();
    const cpuSeconds = p.cpuSeconds() - cpuStart;
    await snap();
    peak = Math.max(peak, rssEnd);
    await sleep(30_000);
    const afterIdle = p.rss();
    const all = [...last.diffs.values()];
    const kinds: Record<EditKind, number> = { create: 0, modify: 0, delete: 0, rename: 0, mkdir: 0 };
    for (const e of editors) for (const k of Object.keys(kinds) as EditKind[]) kinds[k] += e.counts[k];
    let localFiles = 0;
    for (const s of p.services) localFiles += localTree(path.join(p.dir, s)).files.size;
    return {
      services: serviceCount,
      edits,
      seconds: took,
      kinds,
      localFiles,
      convergedMs,
      lost: all.reduce((n, d) => n + d.missing.length, 0),
      wrong: all.reduce((n, d) => n + d.wrong.length, 0),
      extra: all.reduce((n, d) => n + d.extra.length, 0),
      dirDiffs: all.reduce((n, d) => n + d.missingDirs.length + d.extraDirs.length, 0),
      unreadable: last.unreadable,
      detail: summariseDiffs(last.diffs),
      rssKiB: { cold: rssCold, start: rssStart, end: rssEnd, peak, afterIdle },
      parts: { cold: partsCold, start: partsStart, end: partsEnd },
      snapshots,
      warmup,
      rssTimeline,
      cpuSeconds,
      nodeFlags: p.daemon.nodeFlags,
      load: [load0, os.loadavg()[0] ?? 0],
    };
  } finally {
    await p.cleanup();
  }
};

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
const parts = (p: RssParts): string => `${mib(p.anon)} (${mib(p.brk)}) / ${mib(p.file)}`;

export const formatSoak = (r: SoakResult): string => {
  const growth = ((r.rssKiB.end - r.rssKiB.start) / r.rssKiB.start) * 100;
  const coldGrowth = ((r.rssKiB.end - r.rssKiB.cold) / r.rssKiB.cold) * 100;
  return [
    `Load average (1 min) at start / end: ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}; daemon started with \`${r.nodeFlags.join(" ") || "(no Node flags)"}\``,
    "",
    `| soak: ${r.services} bind-mounted services, ${r.edits} mixed edits | figure | target |`,
    "| --- | --- | --- |",
    `| edits made (create ${r.kinds.create}, modify ${r.kinds.modify}, delete ${r.kinds.delete}, rename ${r.kinds.rename}, mkdir ${r.kinds.mkdir}) | ${r.edits} in ${r.seconds.toFixed(1)} s = ${(r.edits / r.seconds).toFixed(2)} edits/s | |`,
    `| local files at the end (all services) | ${r.localFiles} | |`,
    `| every pod's tree equal to the local tree, after the last edit | ${r.convergedMs === undefined ? "**never within 120 s**" : `${(r.convergedMs / 1_000).toFixed(1)} s`} | |`,
    `| files lost (local, not in the pod) | ${r.lost} | 0 |`,
    `| files wrong (different hash) | ${r.wrong} | 0 |`,
    `| files left in the pod that are gone locally | ${r.extra} | 0 |`,
    `| directories missing or left over | ${r.dirDiffs} | 0 |`,
    `| pods that could not be read | ${r.unreadable.length === 0 ? "none" : r.unreadable.join(", ")} | |`,
    `| daemon RSS after up, before any edit; after a warm-up of ${r.warmup} edits | ${mib(r.rssKiB.cold)}; ${mib(r.rssKiB.start)} | |`,
    `| daemon RSS, start of the edits (after the warm-up) → end (both read as soon as every pod was equal) | ${mib(r.rssKiB.start)} → ${mib(r.rssKiB.end)} (${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %; ${coldGrowth >= 0 ? "+" : ""}${coldGrowth.toFixed(1)} % from before any edit) | < 10 % growth |`,
    `| of which anonymous (of it glibc's brk heap) / file pages (node binary, libraries): before any edit → after the warm-up → end | ${parts(r.parts.cold)} → ${parts(r.parts.start)} → ${parts(r.parts.end)} | |`,
    `| daemon RSS peak during the edits; 30 s after the end | ${mib(r.rssKiB.peak)}; ${mib(r.rssKiB.afterIdle)} | |`,
    `| daemon CPU (user + system), start of the edits → every pod equal | ${r.cpuSeconds.toFixed(1)} s = ${((r.cpuSeconds * 1_000) / r.edits).toFixed(1)} ms per edit | |`,
    "",
    `Daemon RSS every 30 s of the edits (MiB): ${r.rssTimeline.map((k) => (k / 1024).toFixed(1)).join(", ")}`,
    ...(r.detail === "" ? [] : ["", `Differences: ${r.detail}`]),
    ...(r.snapshots.length === 0 ? [] : ["", `Heap snapshots (before any edit, after the warm-up, end): ${r.snapshots.join(", ")}`]),
  ].join("\n");
};
