/**
 * Issue 12 item 5 ("Remote clusters are fast too"): P1 as bench/live-loop.ts measures it — a save of
 * example/web/src/message.js → the first HTTP answer through devloop's port-forward that carries the new message — with
 * the daemon talking to the bed's apiserver through a latency proxy (daemon/test/support/latency-proxy.ts) that holds
 * every chunk DEVLOOP_BENCH_DELAY_MS (default 25) each way: 50 ms of added round trip. Everything the daemon does with
 * the cluster goes through it: the sync session's exec, the watches, and the port-forward the answer comes back on.
 * Interleaved in the same run, edit by edit:
 * - devloop at the delay, one poller that runs request after request on its kept-alive connection, the save made at a
 *   random moment of its request cycle (bench/phase-schedule.ts: a stratified schedule, one phase per 30th of the
 *   cycle): P1 = the save → the first answer with the new content, sampled over the phases, as a client that polls
 *   independently of the developer's saves (a browser tab, a test loop, curl in a watch) sees it;
 * - devloop at the delay, one poller whose first request is sent at the save (as bench/live-loop.ts): a fixed, late
 *   phase — that request reaches the pod before any sync can, so the answer comes from the second one, two HTTP round
 *   trips after the save whatever devloop does;
 * - devloop at the delay, the answer watched by 4 staggered pollers: one poller through a forward with a 50 ms round
 *   trip sees a new answer up to a round trip after it is there, which is part of the figure above;
 * - devloop at the delay, one poller that opens a new TCP connection for each request (node:http without an agent, as
 *   curl, a test script or a browser after idle do), where the kept-alive poller above reuses one connection;
 * - the `tar -c | kubectl exec -i … tar -x` baseline with the bed's kubectl through the same proxy (its kubeconfig
 *   points at the proxy), timed to the same HTTP answer through devloop's (delayed) port-forward;
 * - devloop without the proxy: a second daemon running a second copy of the example in its own namespace, talking to
 *   the apiserver directly (the first daemon holds the proxied kubeconfig).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { createTestDaemon, exampleCopy, freePort } from "../daemon/test/integration/daemon-support.js";
import { bedImages, bedKubeconfigPath, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";
import { kubeconfigServer, proxiedKubeconfig, startLatencyProxy, type LatencyProxy, type ProxyChunk } from "../daemon/test/support/latency-proxy.js";
import { sh } from "./live-loop.js";
import { bedKubectl } from "./sync-exec.js";
import { changeSteps } from "./change-steps.js";
import { editHopsOf, type EditHops } from "./edit-hops.js";
import { mediansByPhase, phaseSchedule, seededRandom, type PhasedSample } from "./phase-schedule.js";
import { fmt, percentile } from "./stats.js";

interface Stat {
  readonly p50: number;
  readonly p95: number;
}

export interface LatencyResult {
  readonly edits: number;
  readonly delayMs: number;
  /** One kept-alive poller, the save at a random phase of its request cycle (the fair one-poller measure). */
  readonly phased: Stat;
  /** The phased edits' P1 medians by quarter of the cycle (the save 0–¼, ¼–½, ½–¾, ¾–1 of a cycle after a request was sent). */
  readonly phasedByQuarter: readonly number[];
  /** The phased edits' slowest P1. */
  readonly phasedMax: number;
  /** The phased edits, (phase, P1) each, in the order of their phase. */
  readonly phasedSamples: readonly PhasedSample[];
  /** Medians over the phased edits of their sync's hops at the proxy (edit-hops.ts), and how many edits were found. */
  readonly editHops: EditHops & { readonly found: number };
  /** The phase schedule's seed (DEVLOOP_BENCH_SEED, default 1); the phases are scaled to httpRtt.delayed, the cycle. */
  readonly seed: number;
  /** One kept-alive poller whose first request is sent at the save (a fixed, late phase: the earlier measure). */
  readonly delayed: Stat;
  /** The same at the delay, the answer watched by 4 staggered pollers (finer than one poller's round trip). */
  readonly staggered: Stat;
  /** The same at the delay, one poller opening a new connection per request. */
  readonly fresh: Stat;
  readonly kubectl: Stat;
  readonly direct: Stat;
  /** Round trip of one HTTP request on a kept-alive connection through the port-forward, with and without the delay. */
  readonly httpRtt: { readonly delayed: number; readonly direct: number };
  /** Round trip of one HTTP request on a new connection through the port-forward at the delay (median of 10). */
  readonly freshRtt: number;
  /** One kept-alive request's round trip at the delay, hop by hop (hopsOf), and the pod's server alone. */
  readonly hops: Hops;
  /** Connections through the proxy while the kept-alive poller made its 10 requests (0: it reused its connection). */
  readonly keptAliveConnections: number;
  readonly connections: number;
  /**
   * Where a devloop edit's time goes, medians per kind (from the daemon's trace of the change): save → the watcher's
   * first event, the batch's quiet wait, the sync step (the session's round trip), and the trace's end → the answer.
   */
  readonly steps: { readonly phased: Readonly<Record<string, number>>; readonly delayed: Readonly<Record<string, number>>; readonly direct: Readonly<Record<string, number>> };
  readonly load: readonly [number, number];
}


const stat = (xs: readonly number[]): Stat => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) });

/** Medians (ms) of one kept-alive HTTP request's hops through the forward at the delay, from the proxy's chunk times. */
export interface Hops {
  /** The bench's fetch sends → the request's first byte reaches the proxy (the client, devloop's forward, TLS). */
  readonly toProxy: number;
  /** The proxy holds the request (the delay, plus its timer's lateness). */
  readonly holdUp: number;
  /** The proxy writes the request → the answer's first byte back: apiserver, kubelet, runtime, the pod's server. */
  readonly cluster: number;
  readonly holdDown: number;
  /** The proxy writes the answer's last byte → the bench has parsed it (devloop's forward, the client). */
  readonly toClient: number;
  readonly total: number;
  /** The same request straight to the pod's IP (the bed routes it): the server's own time, no Kubernetes. */
  readonly podAlone: number;
}

/** 20 requests, each alone on the proxy but for idle watches (a chunk of another connection is left out). */
const hopsOf = async (proxy: LatencyProxy, ask: () => Promise<unknown>, podIp: string): Promise<Hops> => {
  const rows: Omit<Hops, "podAlone">[] = [];
  for (let i = 0; i < 20; i++) {
    const chunks: ProxyChunk[] = [];
    proxy.onChunk = (c) => chunks.push(c);
    const t0 = performance.now();
    await ask();
    const t1 = performance.now();
    proxy.onChunk = undefined;
    const upIn = chunks.find((c) => c.direction === "up" && c.phase === "in");
    const mine = chunks.filter((c) => c.connection === upIn?.connection);
    const upOut = mine.find((c) => c.direction === "up" && c.phase === "out");
    const downIn = mine.find((c) => c.direction === "down" && c.phase === "in");
    const downOut = mine.filter((c) => c.direction === "down" && c.phase === "out").at(-1);
    if (upIn === undefined || upOut === undefined || downIn === undefined || downOut === undefined) continue;
    rows.push({ toProxy: upIn.at - t0, holdUp: upOut.at - upIn.at, cluster: downIn.at - upOut.at, holdDown: downOut.at - downIn.at, toClient: t1 - downOut.at, total: t1 - t0 });
  }
  const alone: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await fetch(`http://${podIp}:3000/`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text()).catch(() => undefined);
    alone.push(performance.now() - t0);
  }
  const med = (k: keyof Omit<Hops, "podAlone">): number => percentile(rows.map((r) => r[k]), 50);
  return { toProxy: med("toProxy"), holdUp: med("holdUp"), cluster: med("cluster"), holdDown: med("holdDown"), toClient: med("toClient"), total: med("total"), podAlone: percentile(alone, 50) };
};

/** One daemon running a copy of the example in its own namespace, talking to the cluster through `kubeconfig`. */
const bringUp = async (kubeconfig: string, prefix: string, proxy?: LatencyProxy) => {
  const daemon = createTestDaemon();
  const example = exampleCopy();
  const namespace = `${prefix}${Math.random().toString(36).slice(2, 7)}`;
  const port = await freePort();
  const images = bedImages();
  Object.assign(daemon.env, { KUBECONFIG: kubeconfig, NODE_IMAGE: images.node, GO_IMAGE: images.go, RUNTIME_IMAGE: images.runtime, REDIS_IMAGE: images.redis, WEB_PORT: String(port) });
  const answer = async (): Promise<{ message?: string } | undefined> => {
    try {
      return (await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) })).json()) as { message?: string };
    } catch {
      return undefined;
    }
  };
  /** One request on a new TCP connection (no agent: nothing kept alive), as curl makes it. */
  const answerFresh = (): Promise<{ message?: string } | undefined> =>
    new Promise((resolve) => {
      const req = get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 5_000 }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          try {
            resolve(JSON.parse(body) as { message?: string });
          } catch {
            resolve(undefined);
          }
        });
        res.on("error", () => resolve(undefined));
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(undefined));
    });
  const until = async (want: string, since: number, timeoutMs: number, ask = answer): Promise<number> => {
    for (;;) {
      if ((await ask())?.message === want) return performance.now() - since;
      if (performance.now() - since > timeoutMs) throw new Error(`bench: timed out waiting for "${want}"`);
    }
  };
  /**
   * The same, with `pollers` requests in flight at once, started `staggerMs` apart, each on its own kept-alive
   * connection through the port-forward: the answer is seen within about an RTT / pollers of being there, where one
   * poller sees it up to a whole RTT later (the request that reaches the pod after the file has to be sent first).
   */
  const untilStaggered = async (want: string, since: number, timeoutMs: number, pollers: number, staggerMs: number): Promise<number> => {
    let found: number | undefined;
    await Promise.all(Array.from({ length: pollers }, async (_, k) => {
      await new Promise((r) => setTimeout(r, k * staggerMs));
      while (found === undefined) {
        if ((await answer())?.message === want) found ??= performance.now() - since;
        else if (performance.now() - since > timeoutMs) throw new Error(`bench: timed out waiting for "${want}"`);
      }
    }));
    return found ?? Number.NaN;
  };
  const httpRtt = async (ask = answer): Promise<number> => {
    const ts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await ask();
      ts.push(performance.now() - t0);
    }
    return percentile(ts, 50);
  };
  // The change's trace, once the answer was seen: the newest one of web's first watch rule not seen before.
  const breakdown = changeSteps(async () => daemon.project("shop"));
  const message = example.file("example/web/src/message.js");
  /** Saves the message; resolves with the time until it is answered (and the trace's steps when `traced`). */
  const edit = async (text: string, watch: (want: string, since: number) => Promise<number>, traced: boolean): Promise<number> => {
    const since = performance.now();
    const savedAt = Date.now();
    writeFileSync(message, `module.exports = { message: "${text}" };\n`);
    const ms = await watch(text, since);
    if (traced) await breakdown.record(savedAt, savedAt + ms);
    return ms;
  };
  const phasedBreakdown = changeSteps(async () => daemon.project("shop"));
  /**
   * One poller runs request after request on its kept-alive connection; once its second request is sent (the first
   * warms the connection up), the save is made `phase` × `cycleMs` later, while a request is in flight, and P1 is the
   * save → the first answer carrying `text`. Resolves with P1 and where the save fell: ms since the request in flight
   * at the save was sent, over `cycleMs`.
   */
  const editAtPhase = async (text: string, phase: number, cycleMs: number, timeoutMs: number, traced: boolean): Promise<PhasedSample & { hops?: EditHops }> => {
    let sentAt = 0;
    let sends = 0;
    let saved: { at: number; wall: number; phase: number } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const chunks: ProxyChunk[] = [];
    const save = (): void => {
      const at = performance.now();
      saved = { at, wall: Date.now(), phase: (at - sentAt) / cycleMs };
      if (traced && proxy !== undefined) proxy.onChunk = (c) => chunks.push(c);
      writeFileSync(message, `module.exports = { message: "${text}" };\n`);
    };
    try {
      for (const start = performance.now(); ; ) {
        sentAt = performance.now();
        sends += 1;
        if (sends === 2) timer = setTimeout(save, phase * cycleMs);
        const got = await answer();
        if (saved !== undefined && got?.message === text) {
          const ms = performance.now() - saved.at;
          if (proxy !== undefined) proxy.onChunk = undefined;
          if (traced) await phasedBreakdown.record(saved.wall, saved.wall + ms);
          const hops = editHopsOf(chunks, saved.at);
          return { phase: saved.phase, ms, ...(hops !== undefined ? { hops } : {}) };
        }
        if (performance.now() - start > timeoutMs) throw new Error(`bench: timed out waiting for "${text}"`);
      }
    } finally {
      clearTimeout(timer);
      if (proxy !== undefined) proxy.onChunk = undefined;
    }
  };
  const core = loadBedKubeConfig().makeApiClient(CoreV1Api);
  const down = async (): Promise<void> => {
    await daemon.cli(["down", "-p", "shop", "-n", namespace, "--volumes"], example.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    example.remove();
  };
  try {
    await daemon.start();
    const up = await daemon.cli(["up", "-f", "compose.yml", "-n", namespace, "--detach", "--wait-timeout", "400"], example.dir, 460_000);
    if (up.code !== 0) throw new Error(`bench: up failed: ${up.stdout}${up.stderr}`);
    for (const deadline = performance.now() + 90_000; (await answer())?.message === undefined; ) {
      if (performance.now() > deadline) throw new Error("bench: no first answer");
      await new Promise((r) => setTimeout(r, 200));
    }
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=web" });
    const running = pods.items.find((p) => p.status?.phase === "Running");
    const pod = running?.metadata?.name;
    if (pod === undefined) throw new Error("bench: no running web pod");
    return { namespace, pod, podIp: running?.status?.podIP ?? "", answer, until, untilStaggered, httpRtt, answerFresh, edit, editAtPhase, breakdown, phasedBreakdown, down };
  } catch (error) {
    await down();
    throw error;
  }
};

export const benchLatency = async (edits = Number(process.env["DEVLOOP_BENCH_EDITS"] ?? 30)): Promise<LatencyResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const delayMs = Number(process.env["DEVLOOP_BENCH_DELAY_MS"] ?? 25);
  const target = kubeconfigServer(bedKubeconfigPath());
  const proxy = await startLatencyProxy({ targetHost: target.host, targetPort: target.port, delayMs });
  const kubeconfig = proxiedKubeconfig(bedKubeconfigPath(), proxy.port);
  let behind: Awaited<ReturnType<typeof bringUp>> | undefined;
  let plain: Awaited<ReturnType<typeof bringUp>> | undefined;
  try {
    // The two ups one after the other (the proxied one first), so neither is measured while the other builds.
    behind = await bringUp(kubeconfig, "dllat", proxy);
    plain = await bringUp(bedKubeconfigPath(), "dllatp");
    const staging = mkdtempSync(path.join(tmpdir(), "devloop-bench-latency-"));
    mkdirSync(path.join(staging, "src"));
    const kubectl = bedKubectl();
    const connectionsBefore = proxy.connections.total;
    const rtt = { delayed: await behind.httpRtt(), direct: await plain.httpRtt() };
    const keptAliveConnections = proxy.connections.total - connectionsBefore;
    const freshRtt = await behind.httpRtt(behind.answerFresh);
    const hops = await hopsOf(proxy, behind.answer, behind.podIp);
    const seed = Number(process.env["DEVLOOP_BENCH_SEED"] ?? 1);
    const phases = phaseSchedule(edits, seededRandom(seed));
    const phased: (PhasedSample & { hops?: EditHops })[] = [];
    const delayed: number[] = [];
    const staggered: number[] = [];
    const fresh: number[] = [];
    const baseline: number[] = [];
    const direct: number[] = [];
    const b = behind;
    const d = plain;
    // One untimed round first: each sync session opens on its first edit (a cold start, not an edit).
    for (let i = -1; i < edits; i++) {
      const timed = i >= 0;
      const fair = await b.editAtPhase(`phased ${i}`, phases[i] ?? 0.5, rtt.delayed, 60_000, timed);
      const one = await b.edit(`delayed ${i}`, (want, since) => b.until(want, since, 60_000), timed);
      const four = await b.edit(`staggered ${i}`, (want, since) => b.untilStaggered(want, since, 60_000, 4, rtt.delayed / 4), false);
      const anew = await b.edit(`fresh ${i}`, (want, since) => b.until(want, since, 60_000, b.answerFresh), false);

      const theirs = `kubectl ${i}`;
      writeFileSync(path.join(staging, "src/message.js"), `module.exports = { message: "${theirs}" };\n`);
      const since = performance.now();
      const k = await sh(`tar -c -C "$1" src/message.js | "$2" --kubeconfig "$3" exec -i -n "$4" "$5" -c web -- tar -x -m -f - -C /app`, [staging, kubectl, kubeconfig, b.namespace, b.pod]);
      if (k.code !== 0) throw new Error(`bench: kubectl baseline failed: ${k.stderr}`);
      const base = await b.until(theirs, since, 60_000);

      const none = await d.edit(`direct ${i}`, (want, s) => d.until(want, s, 60_000), timed);
      if (!timed) continue;
      phased.push(fair);
      delayed.push(one);
      staggered.push(four);
      fresh.push(anew);
      baseline.push(base);
      direct.push(none);
    }
    rmSync(staging, { recursive: true, force: true });
    return {
      edits, delayMs, phased: stat(phased.map((p) => p.ms)), phasedByQuarter: mediansByPhase(phased, 4), phasedMax: Math.max(...phased.map((p) => p.ms)),
      phasedSamples: [...phased].sort((x, y) => x.phase - y.phase).map(({ phase, ms }) => ({ phase, ms })), editHops: editHopMedians(phased.flatMap((p) => (p.hops !== undefined ? [p.hops] : []))), seed, delayed: stat(delayed), staggered: stat(staggered), fresh: stat(fresh), kubectl: stat(baseline), direct: stat(direct), httpRtt: rtt, freshRtt, hops, keptAliveConnections, connections: proxy.connections.total,
      steps: { phased: b.phasedBreakdown.medians(), delayed: b.breakdown.medians(), direct: d.breakdown.medians() }, load: [load0, os.loadavg()[0] ?? 0],
    };
  } finally {
    await plain?.down();
    await behind?.down();
    await proxy.close();
    rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
  }
};

const editHopMedians = (hops: readonly EditHops[]): EditHops & { found: number } => {
  const med = (k: keyof EditHops): number => percentile(hops.map((h) => h[k]), 50);
  return { toProxy: med("toProxy"), holdUp: med("holdUp"), cluster: med("cluster"), holdDown: med("holdDown"), found: hops.length };
};

const steps = (m: Readonly<Record<string, number>>): string => Object.entries(m).map(([k, v]) => `${k} ${fmt(v)}`).join(", ");

export const formatLatency = (r: LatencyResult): string => {
  const rtt = 2 * r.delayMs;
  return [
    `Load average (1 min) at start / end: ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}`,
    "",
    `Latency proxy in front of the apiserver: ${r.delayMs} ms each way (${rtt} ms added round trip); ${r.connections} connections through it in the run.`,
    `One HTTP request on a kept-alive connection through devloop's port-forward: ${fmt(r.httpRtt.delayed)} at the delay, ${fmt(r.httpRtt.direct)} without the proxy (medians of 10; ${r.keptAliveConnections} new connections through the proxy during the 10 at the delay). On a new connection each: ${fmt(r.freshRtt)} at the delay.`,
    "",
    `| P1: ${r.edits} edits of example/web/src/message.js, save → new HTTP answer through devloop's port-forward, interleaved | p50 | p95 |`,
    "| --- | --- | --- |",
    `| devloop, daemon → proxy at ${rtt} ms RTT → apiserver; one kept-alive poller, the save at a random phase of its request cycle | **${fmt(r.phased.p50)}** | ${fmt(r.phased.p95)} |`,
    `| the same, the poller's first request sent at the save (a fixed, late phase: the earlier measure) | ${fmt(r.delayed.p50)} | ${fmt(r.delayed.p95)} |`,
    `| devloop at ${rtt} ms RTT, the answer watched by 4 staggered pollers instead of one (see below) | ${fmt(r.staggered.p50)} | ${fmt(r.staggered.p95)} |`,
    `| devloop at ${rtt} ms RTT, one poller opening a new connection per request (as curl) | ${fmt(r.fresh.p50)} | ${fmt(r.fresh.p95)} |`,
    `| \`tar -c | kubectl exec -i … tar -x\` baseline through the same proxy at ${rtt} ms RTT (answer through devloop's port-forward, also delayed) | ${fmt(r.kubectl.p50)} | ${fmt(r.kubectl.p95)} |`,
    `| devloop without the proxy: a second daemon on a second copy of the example (its own namespace), same edits interleaved | ${fmt(r.direct.p50)} | ${fmt(r.direct.p95)} |`,
    "",
    `Where devloop's time goes (medians over the edits, from the daemon's trace of each change): at ${rtt} ms RTT, random phase ${steps(r.steps.phased)}; at ${rtt} ms RTT, a request sent at the save ${steps(r.steps.delayed)}; without the proxy ${steps(r.steps.direct)}.`,
    `The random-phase edits by the save's phase (seed ${r.seed}; quarters of the ${fmt(r.httpRtt.delayed)} cycle after the request in flight was sent), P1 p50: ${r.phasedByQuarter.map(fmt).join(" / ")}; slowest ${fmt(r.phasedMax)}. Each (phase, P1 ms): ${r.phasedSamples.map((p) => `${p.phase.toFixed(2)}:${Math.round(p.ms)}`).join(" ")}.`,
    `The random-phase edits' sync at the proxy (medians of ${r.editHops.found} of ${r.edits} found, from the proxy's chunk times): the save → the write at the proxy ${fmt(r.editHops.toProxy)} (the event, the quiet, scan, pack, devloop's write); held ${fmt(r.editHops.holdUp)}; apiserver → kubelet → the agent's work → \`done\` back ${fmt(r.editHops.cluster)}; held ${fmt(r.editHops.holdDown)}. Against the request's way to the pod (the fetch → the proxy ${fmt(r.hops.toProxy)}, held ${fmt(r.hops.holdUp)}, and part of the ${fmt(r.hops.cluster)} to the server): the first request that can carry the new content is one sent about ${fmt(r.editHops.toProxy + r.editHops.cluster - r.hops.toProxy - r.hops.cluster / 2)} after the save (the file lands before \`done\` leaves the pod), so at a random phase P1 ≈ that + a cycle + half a cycle on average.`,
    "",
    `Target p50 ≤ RTT + 60 ms = ${rtt + 60} ms: one poller at a random phase ${r.phased.p50 <= rtt + 60 ? "met" : "**not met**"} (${fmt(r.phased.p50)}), one poller with a request sent at the save ${r.delayed.p50 <= rtt + 60 ? "met" : "**not met**"} (${fmt(r.delayed.p50)}), 4 staggered pollers ${r.staggered.p50 <= rtt + 60 ? "met" : "**not met**"} (${fmt(r.staggered.p50)}), one poller on new connections ${r.fresh.p50 <= rtt + 60 ? "met" : "**not met**"} (${fmt(r.fresh.p50)}). Baseline p50 / devloop p50 at the delay: ${(r.kubectl.p50 / r.phased.p50).toFixed(2)}× (random phase), ${(r.kubectl.p50 / r.delayed.p50).toFixed(2)}× (a request sent at the save).`,
    `A request sent at the save reaches the pod before any sync can, so that poller's new answer comes from its second request: ≈ 2 × ${fmt(r.httpRtt.delayed)} = ${fmt(2 * r.httpRtt.delayed)}, whatever devloop does. At a random phase the answer comes from the first request that reaches the pod after the file, on average half a cycle after it lands, plus the way back.`,
    `One kept-alive request at the delay, hop by hop (medians of 20, from the proxy's chunk times): the bench's fetch → the proxy ${fmt(r.hops.toProxy)} (client, devloop's forward, TLS); held ${fmt(r.hops.holdUp)}; apiserver → kubelet → runtime → the pod's server and back ${fmt(r.hops.cluster)} (the server alone, at its pod IP: ${fmt(r.hops.podAlone)}); held ${fmt(r.hops.holdDown)}; the proxy → the answer parsed ${fmt(r.hops.toClient)} (devloop's forward, the client); total ${fmt(r.hops.total)}. So the one-poller floor is 2 × (${2 * r.delayMs} ms + ${fmt(r.hops.total - 2 * r.delayMs)}).`,
  ].join("\n");
};
