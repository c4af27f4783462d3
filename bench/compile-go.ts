/**
 * P2 preparation: a compiled edit of example/api through devloop's compile path (dockerode compiler container,
 * Go preset, warm cache volume, artifact copied out) against the bare `go build` inside that same container,
 * measured by the container itself. Overhead = compile path − bare go build. Medians over `runs` edits after one
 * cold warm-up. Needs the Docker engine and the bed's Go image (GO_IMAGE, default devloop/go:1.19-bookworm).
 * Wire into bench/run.ts as: compile: async () => formatCompileBench(await benchCompile()).
 * Each mode uses its own project name, so its own cold cache volume (removed afterwards).
 */
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { cacheVolumeName, createDockerodeCompiler } from "../daemon/src/adapters/dockerode-compiler.js";
import type { CompileSpec } from "../daemon/src/compile/compile-spec.js";
import { loadCompilerPresets } from "../daemon/src/compile/load-compiler-presets.js";
import { fmt, median } from "./stats.js";

export interface CompileBenchResult {
  /** Kept compiler container + exec (the default), or a fresh container per compile. */
  readonly mode: "warm" | "one-shot";
  readonly runs: number;
  readonly image: string;
  readonly coldMs: number;
  /** go build as timed inside the container (date +%s%N around it). */
  readonly bareMs: number;
  /** container start → exit as seen by the engine API. */
  readonly runMs: number;
  /** compile() end to end: create, start, wait, getArchive, remove. */
  readonly totalMs: number;
  /** median of (total − bare) per edit. */
  readonly overheadMs: number;
  readonly artifactBytes: number;
}

const BARE_MARK = "DEVLOOP_BARE_NS=";
const timedCommand = [
  "sh",
  "-c",
  `mkdir -p "$(dirname "$DEVLOOP_OUTPUT")"; s=$(date +%s%N); go build -o "$DEVLOOP_OUTPUT" .; rc=$?; e=$(date +%s%N); echo "${BARE_MARK}$((e - s))"; exit $rc`,
];

export const benchCompileMode = async (warm: boolean, runs = 7): Promise<CompileBenchResult> => {
  const repoRoot = path.resolve(import.meta.dirname, "..");
  const image = process.env["GO_IMAGE"]?.startsWith("devloop/") ? process.env["GO_IMAGE"] : "devloop/go:1.19-bookworm";
  const project = `dlbench${randomBytes(3).toString("hex")}`;
  const docker = new Docker();
  const compiler = createDockerodeCompiler({ docker, pull: false, warm });
  const go = (await loadCompilerPresets(path.join(repoRoot, "templates/compilers")))["go"];
  if (!go) throw new Error("templates/compilers/go.yaml missing");
  const source = await mkdtemp(path.join(tmpdir(), "devloop-bench-compile-"));
  await cp(path.join(repoRoot, "example/api"), source, { recursive: true });
  const spec: CompileSpec = { service: "api", image, command: timedCommand, workdir: go.workdir, output: "/out/api", target: "/app/api", source, cache: go.cache, env: go.env };
  const main = path.join(source, "main.go");
  const original = await readFile(main, "utf8");
  try {
    const compileOnce = async (label: string) => {
      await writeFile(main, original.replace('"hello from api"', `"hello from api ${label}"`));
      let bareNs = Number.NaN;
      const result = await compiler.compile({ project, spec }, (line) => {
        if (line.startsWith(BARE_MARK)) bareNs = Number(line.slice(BARE_MARK.length));
      });
      if (!result.ok) throw new Error(`bench compile failed: ${result.message}\n${result.output}`);
      return { bareMs: bareNs / 1e6, runMs: result.timings.runMs, totalMs: result.timings.totalMs, bytes: result.artifact.length };
    };
    const cold = await compileOnce("cold");
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await compileOnce(`edit ${i}`));
    return {
      mode: warm ? "warm" : "one-shot",
      runs,
      image,
      coldMs: cold.totalMs,
      bareMs: median(samples.map((s) => s.bareMs)),
      runMs: median(samples.map((s) => s.runMs)),
      totalMs: median(samples.map((s) => s.totalMs)),
      overheadMs: median(samples.map((s) => s.totalMs - s.bareMs)),
      artifactBytes: samples[0]?.bytes ?? 0,
    };
  } finally {
    await compiler.close();
    await rm(source, { recursive: true, force: true });
    await docker.getVolume(cacheVolumeName(project, "api", 0)).remove({ force: true }).catch(() => undefined);
  }
};

/** Both modes, one after the other (each with its own cold cache volume). */
export const benchCompile = async (runs = 7): Promise<readonly CompileBenchResult[]> => [await benchCompileMode(true, runs), await benchCompileMode(false, runs)];

export const formatCompileBench = (results: readonly CompileBenchResult[]): string => {
  const first = results[0];
  if (!first) return "no results";
  const col = (pick: (r: CompileBenchResult) => string): string => results.map(pick).join(" | ");
  return [
    `Compiled edit of example/api (Go preset, ${first.image}), medians of ${first.runs} edits after one cold compile per mode.`,
    "warm = one kept compiler container per service, each compile an exec in it (the default); one-shot = a fresh container per compile.",
    "",
    `| step | ${col((r) => r.mode)} |`,
    `| --- | ${col(() => "---")} |`,
    `| cold first compile (empty cache volume) | ${col((r) => fmt(r.coldMs))} |`,
    `| bare \`go build\` inside the compiler container | ${col((r) => fmt(r.bareMs))} |`,
    `| compiler process start → exit (engine API) | ${col((r) => fmt(r.runMs))} |`,
    `| devloop compile path, end to end (artifact in memory) | ${col((r) => fmt(r.totalMs))} |`,
    `| **overhead** (compile path − bare go build) | ${col((r) => `**${fmt(r.overheadMs)}**`)} |`,
    "",
    `Artifact: ${(first.artifactBytes / 1e6).toFixed(1)} MB ELF. P2 target for the whole loop (compile overhead + sync + restart): ≤ 700 ms.`,
  ].join("\n");
};
