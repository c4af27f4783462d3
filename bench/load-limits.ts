/**
 * The loader's hard limits, timed (issue 14 item 11: the unit tests in daemon/src/compose/limits.test.ts keep the
 * located diagnostics; how long they take is measured here, not asserted on a shared 2-core machine). Each case
 * against a baseline of the same size that loads cleanly, interleaved, medians of wall and CPU time.
 */
import { loadProject } from "../daemon/src/compose/index.js";
import { createMemoryFileSystem } from "../daemon/src/compose/memory-file-system.js";
import type { LoadOptions } from "../daemon/src/compose/types.js";
import { fmt, median, timeMs } from "./stats.js";

const options: LoadOptions = { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" };
const compose = "services:\n  web:\n    image: nginx\n    environment:\n      BIG: ${A40:-x}\n";
const chain = (n: number, line: (i: number) => string): string => `services:\n${Array.from({ length: n }, (_, i) => line(i)).join("")}`;

interface Case {
  readonly name: string;
  readonly baselineName: string;
  readonly files: Readonly<Record<string, string>>;
  readonly baseline: Readonly<Record<string, string>>;
}

const cases = (): Case[] => {
  const chained = [`B0=${"x".repeat(64)}`];
  const plain = [`B0=${"x".repeat(64)}`];
  for (let i = 1; i < 100_000; i++) {
    chained.push(`B${i}=\${B${i - 1}}x`);
    plain.push(`B${i}=x`);
  }
  return [
    {
      name: "100,000-line .env, each line ${previous}x: DL-COMPOSE-045 at the line crossing 16 MiB",
      baselineName: "100,000-line .env of plain values",
      files: { "compose.yml": compose, ".env": chained.join("\n") },
      baseline: { "compose.yml": compose, ".env": plain.join("\n") },
    },
    {
      name: "2,000 services, each depends_on an undefined one: 2,000 located errors",
      baselineName: "2,000 services, each depends_on s0 (valid)",
      files: { "compose.yml": chain(2000, (i) => `  s${i}:\n    image: x\n    depends_on: [t${i}]\n`) },
      baseline: { "compose.yml": chain(2000, (i) => `  s${i}:\n    image: x\n${i > 0 ? "    depends_on: [s0]\n" : ""}`) },
    },
  ];
};

export interface LoadLimitsRow {
  readonly name: string;
  readonly baselineName: string;
  readonly runs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly baselineWallMs: number;
  readonly baselineCpuMs: number;
}

const timeBoth = (fn: () => void): { wall: number; cpu: number } => {
  const cpu = process.cpuUsage();
  const wall = timeMs(fn);
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
};

export const benchLoadLimits = (runs = 9): LoadLimitsRow[] =>
  cases().map((c) => {
    const load = (files: Readonly<Record<string, string>>, ok: boolean) => (): void => {
      const r = loadProject(options, createMemoryFileSystem({ ...files }));
      if (r.ok !== ok) throw new Error(`${ok ? "baseline" : "case"} of "${c.name}" ${r.ok ? "loaded" : "did not load"}`);
    };
    const subject = load(c.files, false);
    const baseline = load(c.baseline, true);
    subject();
    baseline();
    const s: { wall: number; cpu: number }[] = [];
    const b: { wall: number; cpu: number }[] = [];
    // Interleaved, so a burst of load on a shared machine hits both alike.
    for (let i = 0; i < runs; i++) {
      b.push(timeBoth(baseline));
      s.push(timeBoth(subject));
    }
    return {
      name: c.name,
      baselineName: c.baselineName,
      runs,
      wallMs: median(s.map((x) => x.wall)),
      cpuMs: median(s.map((x) => x.cpu)),
      baselineWallMs: median(b.map((x) => x.wall)),
      baselineCpuMs: median(b.map((x) => x.cpu)),
    };
  });

export const formatLoadLimits = (rows: readonly LoadLimitsRow[]): string =>
  [
    "| case (baseline) | runs | median wall | median CPU | baseline wall | baseline CPU | ratio (wall) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.name} (${r.baselineName}) | ${r.runs} | ${fmt(r.wallMs)} | ${fmt(r.cpuMs)} | ${fmt(r.baselineWallMs)} | ${fmt(r.baselineCpuMs)} | ${(r.wallMs / r.baselineWallMs).toFixed(2)}× |`,
    ),
  ].join("\n");
