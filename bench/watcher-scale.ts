/**
 * P4 (issue 5): the watchers on a generated 100k-file tree — time until ready (initial scan done, no change missed
 * from then on), the process's resident memory once ready (against the same process before watching), and its CPU
 * while idle over 10 s. The daemon's Linux watcher (fs.watch per directory) runs first, then chokidar as the
 * baseline in the same process (its memory is not given back, so it must come second). No cluster needed.
 * DEVLOOP_BENCH_FILES (default 100000) sizes the tree: 1,000 files per directory, 10 directories per parent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { createChokidarWatcher } from "../daemon/src/adapters/chokidar-watcher.js";
import { createDirWatcher } from "../daemon/src/adapters/dir-watcher.js";
import type { FileWatcher } from "../daemon/src/ports/file-watcher.js";
import { systemClock } from "../daemon/src/clock/clock.js";
import { createPathFilter } from "../daemon/src/sync/path-filter.js";
import { fmt } from "./stats.js";

interface WatcherRun {
  readonly name: string;
  readonly readyMs: number;
  readonly rssBeforeMb: number;
  readonly rssReadyMb: number;
  readonly idleCpuPercent: number;
  readonly idleSeconds: number;
  readonly eventsWhileIdle: number;
}

export interface WatcherScaleResult {
  readonly files: number;
  readonly directories: number;
  readonly generateMs: number;
  readonly runs: readonly WatcherRun[];
  readonly load: readonly [number, number];
}

const measure = async (name: string, watcher: FileWatcher, root: string, idleSeconds: number): Promise<WatcherRun> => {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let events = 0;
  const session = await watcher.watch([{ id: "bench", path: root, filter: createPathFilter({}) }], {
    onBatch: (b) => { events += b.events.length; },
    onError: () => undefined,
  });
  global.gc?.();
  const rssReady = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await new Promise((r) => setTimeout(r, idleSeconds * 1_000));
  const cpu = process.cpuUsage(cpu0);
  const idleCpuPercent = ((cpu.user + cpu.system) / 1_000 / (performance.now() - wall0)) * 100;
  await session.close();
  return { name, readyMs: session.readyMs, rssBeforeMb: mb(rssBefore), rssReadyMb: mb(rssReady), idleCpuPercent, idleSeconds, eventsWhileIdle: events };
};

const mb = (bytes: number): number => bytes / 2 ** 20;

export const benchWatcherScale = async (files = Number(process.env["DEVLOOP_BENCH_FILES"] ?? 100_000), idleSeconds = 10): Promise<WatcherScaleResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const root = mkdtempSync(path.join(tmpdir(), "devloop-bench-watch-"));
  try {
    const started = performance.now();
    let directories = 0;
    for (let n = 0; n < files; n += 1_000) {
      const dir = path.join(root, `pkg${Math.floor(n / 10_000)}`, `mod${Math.floor(n / 1_000) % 10}`);
      mkdirSync(dir, { recursive: true });
      directories += 1;
      for (let i = 0; i < 1_000 && n + i < files; i++) writeFileSync(path.join(dir, `f${i}.js`), `module.exports = ${n + i};\n`);
    }
    const generateMs = performance.now() - started;
    const runs = [
      await measure("fs.watch per directory (the daemon's watcher on Linux)", createDirWatcher({ clock: systemClock }), root, idleSeconds),
      await measure("chokidar 4 (baseline; one watch per file)", createChokidarWatcher({ clock: systemClock }), root, idleSeconds),
    ];
    return { files, directories, generateMs, runs, load: [load0, os.loadavg()[0] ?? 0] };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

export const formatWatcherScale = (r: WatcherScaleResult): string =>
  [
    `Load average (1 min) at start / end: ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}`,
    "",
    `| P4: ${r.files.toLocaleString("en")} files in ${r.directories} directories | ready (≤ 5 s) | process RSS once ready (≤ 250 MB) | CPU idle (≤ 1 %) |`,
    "| --- | --- | --- | --- |",
    ...r.runs.map((w) => `| ${w.name} | ${fmt(w.readyMs)} | ${w.rssReadyMb.toFixed(0)} MB (+${(w.rssReadyMb - w.rssBeforeMb).toFixed(0)} MB) | ${w.idleCpuPercent.toFixed(2)} % over ${w.idleSeconds} s |`),
    "",
    `Tree generated in ${fmt(r.generateMs)}; events while idle: ${r.runs.map((w) => w.eventsWhileIdle).join(" / ")}.`,
  ].join("\n");
