/**
 * Issue 12 item 5 ("Remote clusters are fast too"): P1 as bench/live-loop.ts measures it — a save of
 * example/web/src/message.js → the first HTTP answer through devloop's port-forward that carries the new message — with
 * the daemon talking to the bed's apiserver through a latency proxy (daemon/test/support/latency-proxy.ts) that holds
 * every chunk DEVLOOP_BENCH_DELAY_MS (default 25) each way: 50 ms of added round trip. Everything the daemon does with
 * the cluster goes through it: the sync session's exec, the watches, and the port-forward the answer comes back on.
 * Interleaved in the same run, edit by edit:
 * - devloop at the delay;
 * - the `tar -c | kubectl exec -i … tar -x` baseline with the bed's kubectl through the same proxy (its kubeconfig
 *   points at the proxy), timed to the same HTTP answer through devloop's (delayed) port-forward;
 * - devloop with the delay set to 0: the same daemon and pod, the proxy then only a local TCP hop (the daemon holds one
 *   kubeconfig, so "without the delay" is the proxy at 0 ms rather than a second daemon and a second copy of the example).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { createTestDaemon, exampleCopy, freePort } from "../daemon/test/integration/daemon-support.js";
import { bedImages, bedKubeconfigPath, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";
import { kubeconfigServer, proxiedKubeconfig, startLatencyProxy } from "../daemon/test/support/latency-proxy.js";
import { bedKubectl } from "./sync-exec.js";
import { fmt, percentile } from "./stats.js";

interface Stat {
  readonly p50: number;
  readonly p95: number;
}

export interface LatencyResult {
  readonly edits: number;
  readonly delayMs: number;
  readonly delayed: Stat;
  readonly kubectl: Stat;
  readonly direct: Stat;
  /** Round trip of one HTTP request on a kept-alive connection through the port-forward, with and without the delay. */
  readonly httpRtt: { readonly delayed: number; readonly direct: number };
  readonly connections: number;
  readonly load: readonly [number, number];
}

const sh = (script: string, args: readonly string[]): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn("sh", ["-c", script, "sh", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });

const stat = (xs: readonly number[]): Stat => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) });

export const benchLatency = async (edits = Number(process.env["DEVLOOP_BENCH_EDITS"] ?? 30)): Promise<LatencyResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const delayMs = Number(process.env["DEVLOOP_BENCH_DELAY_MS"] ?? 25);
  const target = kubeconfigServer(bedKubeconfigPath());
  const proxy = await startLatencyProxy({ targetHost: target.host, targetPort: target.port, delayMs });
  const kubeconfig = proxiedKubeconfig(bedKubeconfigPath(), proxy.port);
  const daemon = createTestDaemon();
  const example = exampleCopy();
  const namespace = `dllat${Math.random().toString(36).slice(2, 7)}`;
  const port = await freePort();
  const images = bedImages();
  Object.assign(daemon.env, { KUBECONFIG: kubeconfig, NODE_IMAGE: images.node, GO_IMAGE: images.go, RUNTIME_IMAGE: images.runtime, REDIS_IMAGE: images.redis, WEB_PORT: String(port) });
  // The bench's own look-ups go to the apiserver directly (not part of what is measured).
  const core = loadBedKubeConfig().makeApiClient(CoreV1Api);
  const answer = async (): Promise<{ message?: string } | undefined> => {
    try {
      return (await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) })).json()) as { message?: string };
    } catch {
      return undefined;
    }
  };
  const until = async (want: string, since: number, timeoutMs: number): Promise<number> => {
    for (;;) {
      if ((await answer())?.message === want) return performance.now() - since;
      if (performance.now() - since > timeoutMs) throw new Error(`bench: timed out waiting for "${want}"`);
    }
  };
  const httpRtt = async (): Promise<number> => {
    const ts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await answer();
      ts.push(performance.now() - t0);
    }
    return percentile(ts, 50);
  };
  try {
    await daemon.start();
    const up = await daemon.cli(["up", "-f", "compose.yml", "-n", namespace, "--detach", "--timeout", "400"], example.dir, 460_000);
    if (up.code !== 0) throw new Error(`bench: up failed: ${up.stdout}${up.stderr}`);
    for (const deadline = performance.now() + 90_000; (await answer())?.message === undefined; ) {
      if (performance.now() > deadline) throw new Error("bench: no first answer");
      await new Promise((r) => setTimeout(r, 200));
    }
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=web" });
    const pod = pods.items.find((p) => p.status?.phase === "Running")?.metadata?.name;
    if (pod === undefined) throw new Error("bench: no running web pod");
    const staging = mkdtempSync(path.join(tmpdir(), "devloop-bench-latency-"));
    mkdirSync(path.join(staging, "src"));
    const kubectl = bedKubectl();
    const message = example.file("example/web/src/message.js");
    const rtt = { delayed: await httpRtt(), direct: 0 };
    proxy.delayMs = 0;
    rtt.direct = await httpRtt();
    const delayed: number[] = [];
    const direct: number[] = [];
    const baseline: number[] = [];
    // One untimed edit each way first: the sync session opens on the first edit (a cold start, not an edit).
    for (let i = -1; i < edits; i++) {
      proxy.delayMs = delayMs;
      const mine = `delayed ${i}`;
      let since = performance.now();
      writeFileSync(message, `module.exports = { message: "${mine}" };\n`);
      const d = await until(mine, since, 60_000);

      const theirs = `kubectl ${i}`;
      writeFileSync(path.join(staging, "src/message.js"), `module.exports = { message: "${theirs}" };\n`);
      since = performance.now();
      const k = await sh(`tar -c -C "$1" src/message.js | "$2" --kubeconfig "$3" exec -i -n "$4" "$5" -c web -- tar -x -m -f - -C /app`, [staging, kubectl, kubeconfig, namespace, pod]);
      if (k.code !== 0) throw new Error(`bench: kubectl baseline failed: ${k.stderr}`);
      const b = await until(theirs, since, 60_000);

      proxy.delayMs = 0;
      const plain = `direct ${i}`;
      since = performance.now();
      writeFileSync(message, `module.exports = { message: "${plain}" };\n`);
      const n = await until(plain, since, 60_000);
      if (i < 0) continue;
      delayed.push(d);
      baseline.push(b);
      direct.push(n);
    }
    rmSync(staging, { recursive: true, force: true });
    return { edits, delayMs, delayed: stat(delayed), kubectl: stat(baseline), direct: stat(direct), httpRtt: rtt, connections: proxy.connections.total, load: [load0, os.loadavg()[0] ?? 0] };
  } finally {
    proxy.delayMs = 0;
    await daemon.cli(["down", "-p", "shop", "-n", namespace, "--volumes"], example.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await proxy.close();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    example.remove();
    rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
  }
};

export const formatLatency = (r: LatencyResult): string => {
  const rtt = 2 * r.delayMs;
  return [
    `Load average (1 min) at start / end: ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}`,
    "",
    `Latency proxy in front of the apiserver: ${r.delayMs} ms each way (${rtt} ms added round trip); ${r.connections} connections through it in the run.`,
    `One HTTP request on a kept-alive connection through devloop's port-forward: ${fmt(r.httpRtt.delayed)} at the delay, ${fmt(r.httpRtt.direct)} at 0 ms (medians of 10).`,
    "",
    `| P1: ${r.edits} edits of example/web/src/message.js, save → new HTTP answer through devloop's port-forward, interleaved | p50 | p95 |`,
    "| --- | --- | --- |",
    `| devloop, daemon → proxy at ${rtt} ms RTT → apiserver | **${fmt(r.delayed.p50)}** | ${fmt(r.delayed.p95)} |`,
    `| \`tar -c | kubectl exec -i … tar -x\` baseline through the same proxy at ${rtt} ms RTT (answer through devloop's port-forward, also delayed) | ${fmt(r.kubectl.p50)} | ${fmt(r.kubectl.p95)} |`,
    `| devloop, same daemon and pod, proxy at 0 ms (one local TCP hop) | ${fmt(r.direct.p50)} | ${fmt(r.direct.p95)} |`,
    "",
    `Target p50 ≤ RTT + 60 ms = ${rtt + 60} ms: ${r.delayed.p50 <= rtt + 60 ? "met" : "**not met**"} (${fmt(r.delayed.p50)}). Baseline p50 / devloop p50 at the delay: ${(r.kubectl.p50 / r.delayed.p50).toFixed(2)}×.`,
  ].join("\n");
};
