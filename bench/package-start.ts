/**
 * Start-up of the installed npm package (dist/, built by prepack; scripts/pack-install.ts packs and installs it into
 * a temporary prefix) against the clone's run-time bundle (bin/run-time-build.js, its cache warm), measured in
 * alternation in the same run: `devloop --help`, `devloop --version`, `devloop render` of the example, and the
 * daemon's start (spawn → /api/health). Both run as `node <bin>/devloop.js` from a folder outside the clone.
 * DEVLOOP_BENCH_RUNS sets the CLI runs per side (default 21; the daemon gets a third of them, at least 3).
 * Each CLI run also reports its CPU time (user + system, from /usr/bin/time): on a loaded 2-core machine the wall
 * time mostly measures waiting for a core, and the CPU time is what each start costs.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packAndInstall } from "../scripts/pack-install.js";
import { daemonStartMs } from "./daemon-up.js";
import { fmt, median } from "./stats.js";

const root = fileURLToPath(new URL("../", import.meta.url));

type Pair = [Sample[], Sample[]];
interface Sample {
  readonly wall: number;
  readonly cpu?: number;
}

export interface PackageStartBench {
  readonly packMs: number;
  readonly files: number;
  /** [installed package, clone's run-time bundle] samples per measurement, alternating: wall and CPU ms. */
  readonly help: Pair;
  readonly version: Pair;
  readonly render: Pair;
  readonly daemon: Pair;
  readonly load: { before: number[]; after: number[] };
}

export const benchPackageStart = (runs = Number(process.env["DEVLOOP_BENCH_RUNS"] ?? 21)): PackageStartBench => {
  const work = mkdtempSync(join(tmpdir(), "devloop-bench-pkg-"));
  try {
    const before = loadavg();
    const packStart = performance.now();
    const pkg = packAndInstall(join(work, "prefix"));
    const packMs = performance.now() - packStart;
    const bins = [join(pkg.dir, "bin", "devloop.js"), join(root, "bin", "devloop.js")] as const;
    // The example's compose file alone, outside the clone: render needs no build context.
    copyFileSync(join(root, "compose.example.yml"), join(work, "compose.yml"));
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DEVLOOP_FROM_SOURCE: "" };
    const timed = (bin: string, args: readonly string[]): Sample => {
      const start = performance.now();
      const r = spawnSync("/usr/bin/time", ["-f", "cpu %U %S", process.execPath, bin, ...args], { cwd: work, env, encoding: "utf8", timeout: 120_000 });
      const wall = performance.now() - start;
      if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
      const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
      return { wall, ...(cpu ? { cpu: (Number(cpu[1]) + Number(cpu[2])) * 1000 } : {}) };
    };
    // Warm both: the clone's bundle is built (if the sources changed) and both sets of files are in the page cache.
    for (const bin of bins) timed(bin, ["render"]);
    const pair = (n: number, measure: (bin: string) => Sample): Pair => {
      const out: Pair = [[], []];
      for (let i = 0; i < n; i++) {
        out[0].push(measure(bins[0]));
        out[1].push(measure(bins[1]));
      }
      return out;
    };
    const help = pair(runs, (bin) => timed(bin, ["--help"]));
    const version = pair(runs, (bin) => timed(bin, ["--version"]));
    const render = pair(runs, (bin) => timed(bin, ["render"]));
    const daemon = pair(Math.max(3, Math.round(runs / 3)), (bin) => ({ wall: daemonStartMs(env, bin) }));
    return { packMs, files: pkg.files.length, help, version, render, daemon, load: { before, after: loadavg() } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

export const formatPackageStart = (r: PackageStartBench): string => {
  const ratio = (a: number, b: number): string => (Number.isNaN(a) || Number.isNaN(b) ? "—" : (a / b).toFixed(2));
  const med = (samples: readonly Sample[], key: keyof Sample): number => median(samples.flatMap((x) => (x[key] === undefined ? [] : [x[key]])));
  const show = (ms: number): string => (Number.isNaN(ms) ? "—" : fmt(ms));
  const row = (name: string, [pkg, clone]: Pair): string =>
    `| ${name} | ${pkg.length} | ${show(med(pkg, "wall"))} | ${show(med(clone, "wall"))} | ${ratio(med(pkg, "wall"), med(clone, "wall"))} | ${show(med(pkg, "cpu"))} | ${show(med(clone, "cpu"))} | ${ratio(med(pkg, "cpu"), med(clone, "cpu"))} |`;
  return [
    "## Installed package start-up (issue 14 item 10)",
    "",
    `npm pack (prepack build) + npm install -g into a temporary prefix: ${fmt(r.packMs)}; ${r.files} files in the tarball.`,
    `Load average before ${r.load.before.map((l) => l.toFixed(2)).join(" ")}, after ${r.load.after.map((l) => l.toFixed(2)).join(" ")}.`,
    "",
    "| measurement | runs per side | wall: package (dist/) | wall: clone's run-time bundle | ratio | CPU: package | CPU: clone | ratio |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    row("devloop --help", r.help),
    row("devloop --version", r.version),
    row("devloop render (compose.example.yml)", r.render),
    row("devloop daemon: spawn → /api/health", r.daemon),
    "",
  ].join("\n");
};
