/**
 * Issue 5's end-to-end figures through the real daemon on the local cluster (scripts/local-cluster up; env exported):
 * a temp copy of compose.example.yml is brought up, then
 * - P1: N edits of example/web/src/message.js, each timed from the save to the first HTTP answer through devloop's
 *   port-forward that carries the new message; interleaved with the baseline: the same kind of edit put with
 *   `tar -c | kubectl exec -i … tar -x` (what Tilt and Skaffold do) and timed to the same HTTP answer. p50, p95, ratio.
 * - P2: M edits of example/api/main.go, each timed from the save to web's answer carrying api's new message, minus
 *   the bare compile (the compiler process's own run time, from the change's trace). Median overhead.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import type { PublicChange } from "../daemon/src/api/types.js";
import { createTestDaemon, exampleCopy, freePort } from "../daemon/test/integration/daemon-support.js";
import { bedImages, bedKubeconfigPath, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";
import { bedKubectl } from "./sync-exec.js";
import { fmt, median, percentile } from "./stats.js";

export interface LiveLoopResult {
  readonly edits: number;
  readonly devloop: { readonly p50: number; readonly p95: number };
  readonly kubectl: { readonly p50: number; readonly p95: number };
  readonly ratio: number;
  readonly compiled: {
    readonly edits: number;
    readonly e2e: number;
    readonly compileRun: number;
    readonly overhead: number;
    readonly overheads: readonly number[];
    /** Median ms per trace step (wait, compile, sync, restart), and from the trace's end to the new answer. */
    readonly steps: Readonly<Record<string, number>>;
  };
  readonly load: readonly [number, number];
}

/** Runs a shell script with arguments; resolves with its exit code and stderr. */
export const sh = (script: string, args: readonly string[]): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn("sh", ["-c", script, "sh", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });

export const benchLiveLoop = async (edits = Number(process.env["DEVLOOP_BENCH_EDITS"] ?? 30), compiles = 5): Promise<LiveLoopResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const daemon = createTestDaemon();
  const example = exampleCopy();
  const namespace = `dlbench${Math.random().toString(36).slice(2, 7)}`;
  const port = await freePort();
  const images = bedImages();
  Object.assign(daemon.env, { NODE_IMAGE: images.node, GO_IMAGE: images.go, RUNTIME_IMAGE: images.runtime, REDIS_IMAGE: images.redis, WEB_PORT: String(port) });
  const core = loadBedKubeConfig().makeApiClient(CoreV1Api);
  const answer = async (): Promise<{ message?: string; api?: { message?: string } } | undefined> => {
    try {
      return (await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3_000) })).json()) as { message?: string; api?: { message?: string } };
    } catch {
      return undefined;
    }
  };
  /** The requests of the last `until`: how many, the slowest, how many failed (for the trace of a slow edit). */
  let polls = { count: 0, slowestMs: 0, failed: 0 };
  const until = async (pred: (a: Awaited<ReturnType<typeof answer>>) => boolean, since: number, timeoutMs: number): Promise<number> => {
    polls = { count: 0, slowestMs: 0, failed: 0 };
    for (;;) {
      const t0 = performance.now();
      const got = await answer();
      polls = { count: polls.count + 1, slowestMs: Math.max(polls.slowestMs, performance.now() - t0), failed: polls.failed + (got === undefined ? 1 : 0) };
      if (pred(got)) return performance.now() - since;
      if (performance.now() - since > timeoutMs) throw new Error("bench: timed out waiting for the answer");
    }
  };
  try {
    await daemon.start();
    const up = await daemon.cli(["up", "-f", "compose.yml", "-n", namespace, "--detach", "--wait-timeout", "300"], example.dir, 360_000);
    if (up.code !== 0) throw new Error(`bench: up failed: ${up.stdout}${up.stderr}`);
    await until((a) => a?.message !== undefined, performance.now(), 60_000);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=web" });
    const pod = pods.items.find((p) => p.status?.phase === "Running")?.metadata?.name;
    if (pod === undefined) throw new Error("bench: no running web pod");
    const staging = mkdtempSync(path.join(tmpdir(), "devloop-bench-kubectl-"));
    mkdirSync(path.join(staging, "src"));
    const kubectl = bedKubectl();
    const message = example.file("example/web/src/message.js");
    const devloopMs: number[] = [];
    const kubectlMs: number[] = [];
    for (let i = 0; i < edits; i++) {
      const mine = `devloop ${i}`;
      let since = performance.now();
      const savedAt = Date.now();
      writeFileSync(message, `module.exports = { message: "${mine}" };\n`);
      devloopMs.push(await until((a) => a?.message === mine, since, 30_000));
      const took = devloopMs[devloopMs.length - 1] ?? 0;
      if (took > 1_000) {
        // Where the time went: save → the watcher's first event (the trace's `at`, daemon wall clock), the trace's own
        // steps, and its end → the answer (the HTTP polling through the port-forward, the web process re-requiring).
        const answeredAt = Date.now();
        const last = ((await daemon.project("shop"))?.changes ?? []).filter((c) => c.rule === "web:watch[0]").at(-1);
        const toEvent = last === undefined ? Number.NaN : last.at - savedAt;
        const toAnswer = last === undefined ? Number.NaN : answeredAt - (last.at + last.totalMs);
        const requests = `${polls.count} requests, slowest ${Math.round(polls.slowestMs)} ms, ${polls.failed} failed`;
        process.stderr.write(`bench: edit ${i} took ${Math.round(took)} ms: save → first event ${toEvent} ms, trace ${JSON.stringify(last?.steps)} total ${last?.totalMs} ms, trace end → answer ${toAnswer} ms (${requests})\n`);
      }
      const theirs = `kubectl ${i}`;
      writeFileSync(path.join(staging, "src/message.js"), `module.exports = { message: "${theirs}" };\n`);
      since = performance.now();
      const k = await sh(`tar -c -C "$1" src/message.js | "$2" --kubeconfig "$3" exec -i -n "$4" "$5" -c web -- tar -x -m -f - -C /app`, [staging, kubectl, bedKubeconfigPath(), namespace, pod]);
      if (k.code !== 0) throw new Error(`bench: kubectl baseline failed: ${k.stderr}`);
      kubectlMs.push(await until((a) => a?.message === theirs, since, 30_000));
    }
    rmSync(staging, { recursive: true, force: true });

    const main = example.file("example/api/main.go");
    const source = readFileSync(main, "utf8");
    const overheads: number[] = [];
    const e2es: number[] = [];
    const runs: number[] = [];
    const stepSamples = new Map<string, number[]>();
    // One compile first: the compiler container and the cache volume are created then (a cold start, not an edit).
    for (let i = -1; i < compiles; i++) {
      const text = `compiled ${i}`;
      const seen = new Set(((await daemon.project("shop"))?.changes ?? []).map((c) => c.id));
      const since = performance.now();
      writeFileSync(main, source.replace('"hello from api"', JSON.stringify(text)));
      const e2e = await until((a) => a?.api?.message === text, since, 300_000);
      let trace: PublicChange | undefined;
      for (let t = 0; t < 50 && trace === undefined; t++) {
        trace = ((await daemon.project("shop"))?.changes ?? []).find((c) => !seen.has(c.id) && c.action === "compile" && c.status === "ok");
        if (trace === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      const run = Number(/compiler ran (\d+) ms/.exec(trace?.steps.find((s) => s.step === "compile")?.detail ?? "")?.[1] ?? Number.NaN);
      if (i < 0) continue;
      e2es.push(e2e);
      runs.push(run);
      for (const step of trace?.steps ?? []) stepSamples.set(step.step, [...(stepSamples.get(step.step) ?? []), step.ms]);
      const traced = (trace?.steps ?? []).reduce((sum, step) => sum + step.ms, 0);
      stepSamples.set("trace end → answer", [...(stepSamples.get("trace end → answer") ?? []), e2e - traced]);
      overheads.push(e2e - run);
    }
    writeFileSync(main, source);
    return {
      edits,
      devloop: { p50: percentile(devloopMs, 50), p95: percentile(devloopMs, 95) },
      kubectl: { p50: percentile(kubectlMs, 50), p95: percentile(kubectlMs, 95) },
      ratio: percentile(kubectlMs, 50) / percentile(devloopMs, 50),
      compiled: { edits: compiles, e2e: median(e2es), compileRun: median(runs), overhead: median(overheads), overheads, steps: Object.fromEntries([...stepSamples].map(([k, v]) => [k, median(v)])) },
      load: [load0, os.loadavg()[0] ?? 0],
    };
  } finally {
    await daemon.cli(["down", "-p", "shop", "-n", namespace, "--volumes"], example.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    example.remove();
  }
};

export const formatLiveLoop = (r: LiveLoopResult): string =>
  [
    `Load average (1 min) at start / end: ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}`,
    "",
    `| P1: ${r.edits} edits of example/web/src/message.js, save → new HTTP answer through the port-forward | p50 | p95 |`,
    "| --- | --- | --- |",
    `| devloop (watcher → batch → sync session → Node re-requires the file) | ${fmt(r.devloop.p50)} | ${fmt(r.devloop.p95)} |`,
    `| \`tar -c | kubectl exec -i … tar -x\` baseline, same edits interleaved | ${fmt(r.kubectl.p50)} | ${fmt(r.kubectl.p95)} |`,
    "",
    `Ratio (baseline p50 / devloop p50): ${r.ratio.toFixed(2)}×`,
    "",
    `| P2: ${r.compiled.edits} edits of example/api/main.go, save → web answers with api's new message | median |`,
    "| --- | --- |",
    `| end to end (watch, compile, put the artifact, restart the process, answer) | ${fmt(r.compiled.e2e)} |`,
    `| bare compile (the compiler process's own run time, from the trace) | ${fmt(r.compiled.compileRun)} |`,
    `| **overhead** (end to end − bare compile), median of the per-edit differences | **${fmt(r.compiled.overhead)}** |`,
    "",
    `Per-edit overheads: ${r.compiled.overheads.map((o) => Math.round(o)).join(", ")} ms`,
    "",
    `Where the time goes (medians of the traces' steps; compile = the compiler call incl. its ${fmt(r.compiled.compileRun)} run): ${Object.entries(r.compiled.steps).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`,
  ].join("\n");
