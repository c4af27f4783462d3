/**
 * Issue 12 item 6: one daemon running the example (compose.example.yml) in N namespaces at once, on the local cluster
 * (scripts/local-cluster up; env exported). For each level N (DEVLOOP_BENCH_SCALE, default "1,3,6,10"), the projects
 * missing to reach N are brought up (`up --detach`, each its own copy, project name, namespace and WEB_PORT), the
 * machine is left to settle, then:
 * - the daemon's RSS (its own process and its process tree), per project;
 * - P1 as bench/live-loop.ts measures it: edits of example/web/src/message.js, save → the first HTTP answer through
 *   devloop's port-forward that carries the new message, round-robin over the N projects; p50 / p95;
 * - what else the machine carries: load average, CPU used by kube-apiserver, etcd, kubelet, dockerd, containerd, its shims,
 *   runc and the processes started in containers (the shims' reaped children), the daemon and the whole machine during
 *   the edits, the containers' memory (docker stats), the node processes' memory (PSS of the kubelets, engines,
 *   containerds and shims), pod restarts and OOMKills;
 * - what the daemon sends the apiserver in DEVLOOP_BENCH_IDLE_MS (15 s) with no edit (`ss -tin` of its connections):
 *   watches and idle streams send nothing, so traffic that grows with N would be polling; and the CPU the node's
 *   processes use meanwhile (probes, the runtime's housekeeping): its steady work for N projects, and per project.
 * DEVLOOP_BENCH_SCALE=1,10,1 reads the first level again after the big one (the newest projects taken down), and
 * the ratio is taken against both readings: the 2-core machine's load drifts over a run.
 * DEVLOOP_BENCH_HEALTH_INTERVAL=10s (an experiment) sets the copies' healthcheck intervals (2 s in the example) to it.
 * A level whose ups fail or time out is reported as such and ends the run. Every namespace is removed at the end.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { CoreV1Api } from "@kubernetes/client-node";
import { createTestDaemon, exampleCopy, freePort } from "../daemon/test/integration/daemon-support.js";
import { bedImages, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";
import type { ChangeSteps } from "./change-steps.js";
import { changeSteps, stepMedians } from "./change-steps.js";
import { fmt, percentile } from "./stats.js";

interface Project {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly example: ReturnType<typeof exampleCopy>;
  readonly steps: ChangeSteps;
  upMs?: number;
  upOk?: boolean;
}

export interface ScaleLevel {
  readonly projects: number;
  readonly up: { readonly ok: number; readonly failed: readonly string[]; readonly msEach: readonly number[] };
  readonly rssMb: { readonly daemon: number; readonly tree: number; readonly perProject: number };
  readonly p1: { readonly edits: number; readonly p50: number; readonly p95: number; readonly timeouts: number };
  /** Medians per step of the timed edits' traces (bench/change-steps.ts): where the time goes at this level. */
  readonly steps: Readonly<Record<string, number>>;
  readonly load: readonly [number, number];
  /** CPU % of one core during the edits, per process name (processes that ended meanwhile are not counted). */
  readonly cpu: Readonly<Record<string, number>>;
  /** Sum of the containers' memory per compose service (MiB), and the largest web. */
  readonly containersMb: Readonly<Record<string, number>>;
  readonly webMaxMb: number;
  /** PSS of the node processes that grow with the pods (nodePssMb), after the edits. */
  readonly nodePss: ReturnType<typeof nodePssMb>;
  readonly restarts: number;
  readonly oomKilled: number;
  readonly notReady: readonly string[];
  /**
   * Daemon → apiserver connections opened while the edits ran and open at their end: streams opened meanwhile (a spare renewed,
   * a sync session reopened), each a TLS handshake and an upgrade on the node beside the edit.
   */
  readonly editConnections: number;
  /** The daemon's TCP traffic to the apiserver while no edit runs (idleSeconds): whether it polls per project. */
  readonly idle: {
    readonly seconds: number;
    readonly dataSegsPerS: number;
    readonly bytesPerS: number;
    readonly newConnections: number;
    readonly connections: number;
    /** CPU % of one core in the same window, per process name: the node's steady work for this many projects. */
    readonly cpu: Readonly<Record<string, number>>;
  };
}

export interface ScaleResult {
  readonly levels: readonly ScaleLevel[];
  readonly stoppedBecause?: string;
}

const TICK = 100; // USER_HZ
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const rssKb = (pid: number): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/** pid → parent pid for every process. */
const parents = (): Map<number, number> => {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      out.set(Number(entry), ppid);
    } catch {
      // gone
    }
  }
  return out;
};

const treeRssKb = (root: number): number => {
  const ppids = parents();
  let total = 0;
  for (const pid of ppids.keys()) {
    let p: number | undefined = pid;
    while (p !== undefined && p > 1 && p !== root) p = ppids.get(p);
    if (p === root) total += rssKb(pid);
  }
  return total;
};

/**
 * Proportional set size (MiB; shared pages split among the processes that map them, so sums are fair) of the node
 * processes that grow with the pods, on both nodes: the kubelets, the Docker engines, their containerds, and the
 * containerd shims (one per container, pod sandboxes included), with how many shims there are.
 */
const nodePssMb = (): { readonly byName: Readonly<Record<string, number>>; readonly shims: number } => {
  const names = ["kubelet", "dockerd", "containerd-shim", "containerd"];
  const byName: Record<string, number> = {};
  let shims = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = names.find((n) => stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).startsWith(n));
      if (name === undefined) continue;
      const pssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/smaps_rollup`, "utf8"))?.[1] ?? 0);
      byName[name] = (byName[name] ?? 0) + pssKb / 1024;
      if (name === "containerd-shim") shims++;
    } catch {
      // gone
    }
  }
  return { byName: Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, Math.round(v * 10) / 10])), shims };
};

/**
 * CPU ticks (user + system) per pid of a watched process name, or of the daemon's tree. A containerd shim
 * (containerd-shim-runc-v2, one per container) also gives the ticks of the children it has reaped, under
 * "runc + exec'd": the runtime wrapper, runc and every process started in a container (an exec healthcheck's
 * `redis-cli ping`, the sync agent's tar), which no watched name covers; a kubelet, those of its children, under
 * "kubelet's nsenter + socat": dockershim starts both for every port-forward stream (a forward's spare included).
 * "machine" is every core's busy time, all processes (other work on the machine included).
 */
const cpuTicks = (daemonPid: number): Map<number | string, { name: string; ticks: number }> => {
  const watched = ["kube-apiserver", "etcd", "kubelet", "dockerd", "containerd-shim", "containerd", "kube-controller", "kube-scheduler"];
  const out = new Map<number | string, { name: string; ticks: number }>();
  const ppids = parents();
  for (const pid of ppids.keys()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      let p: number | undefined = pid;
      while (p !== undefined && p > 1 && p !== daemonPid) p = ppids.get(p);
      const name = p === daemonPid ? "devloop daemon" : watched.find((w) => comm.startsWith(w));
      if (name !== undefined) out.set(pid, { name, ticks });
      const reaped = Number(fields[13]) + Number(fields[14]);
      if (comm.startsWith("containerd-shim")) out.set(`${pid} children`, { name: "runc + exec'd", ticks: reaped });
      if (name === "kubelet") out.set(`${pid} children`, { name: "kubelet's nsenter + socat", ticks: reaped });
    } catch {
      // gone
    }
  }
  const busy = (/^cpu\s+(.*)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1] ?? "").split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: all but idle and iowait.
  out.set("machine", { name: "machine", ticks: [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (busy[i] ?? 0), 0) });
  return out;
};

/**
 * The daemon's established TCP connections to the apiserver (`ss -tin`, by pid): local port → data segments and bytes
 * it sent. Watches and idle exec / port-forward streams send nothing; a poll sends a request each time.
 */
const apiserverSends = (daemonPid: number, apiPort: string): Map<string, { segs: number; bytes: number }> => {
  const out = new Map<string, { segs: number; bytes: number }>();
  let text = "";
  try {
    text = execFileSync("ss", ["-tinpH", "state", "established", `( dport = :${apiPort} )`], { encoding: "utf8", timeout: 10_000 });
  } catch {
    return out;
  }
  const lines = text.split("\n");
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = lines[i] ?? "";
    if (!head.includes(`pid=${daemonPid},`)) continue;
    const local = head.trim().split(/\s+/)[2] ?? "";
    const info = lines[i + 1] ?? "";
    out.set(local, { segs: Number(/data_segs_out:(\d+)/.exec(info)?.[1] ?? 0), bytes: Number(/bytes_sent:(\d+)/.exec(info)?.[1] ?? 0) });
  }
  return out;
};

/** CPU % of one core per process name between two cpuTicks samples `seconds` apart. */
const cpuPercent = (before: ReturnType<typeof cpuTicks>, after: ReturnType<typeof cpuTicks>, seconds: number): Record<string, number> => {
  const used = new Map<string, number>();
  for (const [pid, { name, ticks }] of after) used.set(name, (used.get(name) ?? 0) + ticks - (before.get(pid)?.ticks ?? 0));
  return Object.fromEntries([...used].map(([k, v]) => [k, Math.round((1000 * v) / TICK / seconds) / 10]));
};

const mib = (text: string): number => {
  const m = /([\d.]+)\s*([KMG]i?B)/.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2]?.startsWith("G") ? n * 1024 : m[2]?.startsWith("K") ? n / 1024 : n;
};

/** docker stats of the projects' app containers: MiB per compose service, summed, and the largest web. */
const containerMemory = (namespaces: readonly string[]): { bySvc: Record<string, number>; webMax: number } => {
  const bySvc: Record<string, number> = {};
  let webMax = 0;
  let text = "";
  try {
    text = execFileSync("docker", ["stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}"], { encoding: "utf8", timeout: 60_000 });
  } catch {
    return { bySvc, webMax };
  }
  for (const line of text.split("\n")) {
    const [name, usage] = line.split("\t");
    const m = /^k8s_([^_]+)_[^_]+_([^_]+)_/.exec(name ?? "");
    if (!m || m[1] === "POD" || !namespaces.includes(m[2] ?? "")) continue;
    const used = mib(usage ?? "");
    bySvc[m[1] ?? "?"] = (bySvc[m[1] ?? "?"] ?? 0) + used;
    if (m[1] === "web") webMax = Math.max(webMax, used);
  }
  return { bySvc, webMax };
};

export const benchScale = async (): Promise<ScaleResult> => {
  const levels = (process.env["DEVLOOP_BENCH_SCALE"] ?? "1,3,6,10").split(",").map(Number).filter((n) => n > 0);
  const edits = Number(process.env["DEVLOOP_BENCH_EDITS"] ?? 12);
  const parallelUps = Number(process.env["DEVLOOP_BENCH_PARALLEL_UPS"] ?? 3);
  const settleMs = Number(process.env["DEVLOOP_BENCH_SETTLE_MS"] ?? 20_000);
  const idleMs = Number(process.env["DEVLOOP_BENCH_IDLE_MS"] ?? 15_000);
  const healthInterval = process.env["DEVLOOP_BENCH_HEALTH_INTERVAL"];
  const daemon = createTestDaemon();
  const images = bedImages();
  Object.assign(daemon.env, { NODE_IMAGE: images.node, GO_IMAGE: images.go, RUNTIME_IMAGE: images.runtime, REDIS_IMAGE: images.redis });
  delete daemon.env["WEB_PORT"];
  const kubeConfig = loadBedKubeConfig();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apiPort = new URL(kubeConfig.getCurrentCluster()?.server ?? "https://127.0.0.1:6443").port || "443";
  const run = Math.random().toString(36).slice(2, 6);
  const projects: Project[] = [];
  const out: ScaleLevel[] = [];
  let stoppedBecause: string | undefined;

  const answer = async (port: number): Promise<string | undefined> => {
    try {
      return ((await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3_000) })).json()) as { message?: string }).message;
    } catch {
      return undefined;
    }
  };

  const bringUp = async (p: Project): Promise<void> => {
    const started = performance.now();
    const up = await daemon.cli(["-p", p.name, "up", "-f", "compose.yml", "-n", p.namespace, "--detach", "--wait-timeout", "420"], p.example.dir, 480_000);
    p.upMs = performance.now() - started;
    p.upOk = up.code === 0;
    if (!p.upOk) process.stderr.write(`bench scale: up of ${p.name} failed (${up.code}): ${(up.stdout + up.stderr).slice(-1500)}\n`);
  };

  try {
    await daemon.start();
    const daemonPid = daemon.process?.pid ?? 0;
    let nextIndex = 0;
    for (const level of levels) {
      const added: Project[] = [];
      // A level below the last one (DEVLOOP_BENCH_SCALE=1,10,1) takes the newest projects down first: a second
      // reading at the base level after the big one, so a load that drifted meanwhile shows.
      const removed = projects.splice(level);
      await Promise.all(removed.map((p) => daemon.cli(["-p", p.name, "down", "-n", p.namespace, "--volumes"], p.example.dir, 180_000).catch(() => undefined)));
      for (const p of removed) {
        await core.deleteNamespace({ name: p.namespace }).catch(() => undefined);
        p.example.remove();
      }
      if (removed.length > 0) await sleep(settleMs);
      while (projects.length < level) {
        const i = nextIndex++;
        const port = await freePort();
        const example = exampleCopy();
        // WEB_PORT through the copy's .env: the CLI's own environment has none, so .env gives each project its port.
        appendFileSync(example.file(".env"), `\nWEB_PORT=${port}\n`);
        // An experiment, not the example: what its 2 s healthcheck intervals (web's httpGet, cache's redis-cli exec)
        // cost, with every interval set to this instead.
        if (healthInterval !== undefined) writeFileSync(example.file("compose.yml"), readFileSync(example.file("compose.yml"), "utf8").replaceAll(/^(\s+interval:) 2s$/gm, `$1 ${healthInterval}`));
        const name = `shop${i}`;
        const p: Project = { name, namespace: `dlscale${run}${i}`, port, example, steps: changeSteps(async () => daemon.project(name)) };
        projects.push(p);
        added.push(p);
      }
      for (let i = 0; i < added.length; i += parallelUps) await Promise.all(added.slice(i, i + parallelUps).map(bringUp));
      const failed = added.filter((p) => p.upOk !== true).map((p) => p.name);
      await sleep(settleMs);
      // Every project must answer before its loop is timed, and has had one untimed edit: the first edit of a
      // project starts its sync session (a cold start, not the loop), which P1 does not measure.
      for (const p of added) {
        const deadline = Date.now() + 60_000;
        while ((await answer(p.port)) === undefined && Date.now() < deadline) await sleep(500);
        const warm = `warm ${p.name}`;
        writeFileSync(p.example.file("example/web/src/message.js"), `module.exports = { message: "${warm}" };\n`);
        while ((await answer(p.port)) !== warm && Date.now() < deadline + 30_000) await sleep(100);
      }
      // Untimed requests to each project just before the timed edits, back to back as an edit's polling (fetch then
      // keeps two connections per project), so that every level times its edits on the poller's kept-alive
      // connections, as the 1-project level always did: the warm-ups of 10 projects take longer than fetch keeps an
      // idle connection (4 s), so the first round of edits used to open new connections (and the forward's streams for
      // them) during the edit, which the 1-project level never did. Then 1 s for the streams the forward opens behind
      // a new connection (its spare's replacement) to be open before the first timed edit.
      for (const p of projects) for (let i = 0; i < 5; i++) await answer(p.port);
      await sleep(1_000);
      const load0 = os.loadavg()[0] ?? 0;
      const editSends0 = apiserverSends(daemonPid, apiPort);
      const cpu0 = cpuTicks(daemonPid);
      const t0 = performance.now();
      const samples: number[] = [];
      const levelSteps: Readonly<Record<string, number>>[] = [];
      let timeouts = 0;
      for (let e = 0; e < edits; e++) {
        const p = projects[e % projects.length];
        if (p === undefined) break;
        const mine = `scale ${level} edit ${e}`;
        const since = performance.now();
        const savedAt = Date.now();
        writeFileSync(p.example.file("example/web/src/message.js"), `module.exports = { message: "${mine}" };\n`);
        let took: number | undefined;
        while (performance.now() - since < 30_000) {
          if ((await answer(p.port)) === mine) {
            took = performance.now() - since;
            break;
          }
        }
        if (took === undefined) timeouts++;
        else {
          samples.push(took);
          const steps = await p.steps.record(savedAt, savedAt + took);
          if (steps !== undefined) levelSteps.push(steps);
        }
        process.stderr.write(`bench scale: ${level} projects, edit ${e} on ${p.name}: ${took === undefined ? "timeout" : Math.round(took)} ms\n`);
      }
      const seconds = (performance.now() - t0) / 1000;
      const editConnections = [...apiserverSends(daemonPid, apiPort).keys()].filter((k) => !editSends0.has(k)).length;
      const cpu = cpuPercent(cpu0, cpuTicks(daemonPid), seconds);
      const mem = containerMemory(projects.map((p) => p.namespace));
      const nodePss = nodePssMb();
      let restarts = 0;
      let oomKilled = 0;
      const notReady: string[] = [];
      for (const p of projects) {
        const pods = await core.listNamespacedPod({ namespace: p.namespace });
        for (const pod of pods.items) {
          for (const s of pod.status?.containerStatuses ?? []) {
            restarts += s.restartCount;
            if (s.lastState?.terminated?.reason === "OOMKilled") oomKilled++;
            if (!s.ready && pod.status?.phase === "Running") notReady.push(`${p.namespace}/${pod.metadata?.name ?? "?"}`);
          }
        }
      }
      // No edit for idleMs: what the daemon sends the apiserver on its own with this many projects.
      const sends0 = apiserverSends(daemonPid, apiPort);
      const idleCpu0 = cpuTicks(daemonPid);
      await sleep(idleMs);
      const idleCpu = cpuPercent(idleCpu0, cpuTicks(daemonPid), idleMs / 1000);
      const sends1 = apiserverSends(daemonPid, apiPort);
      let idleSegs = 0;
      let idleBytes = 0;
      for (const [local, now] of sends1) {
        const before = sends0.get(local) ?? { segs: 0, bytes: 0 };
        idleSegs += now.segs - before.segs;
        idleBytes += now.bytes - before.bytes;
      }
      const idle = {
        seconds: idleMs / 1000,
        dataSegsPerS: idleSegs / (idleMs / 1000),
        bytesPerS: idleBytes / (idleMs / 1000),
        newConnections: [...sends1.keys()].filter((k) => !sends0.has(k)).length,
        connections: sends1.size,
        cpu: idleCpu,
      };
      const daemonKb = rssKb(daemonPid);
      const treeKb = treeRssKb(daemonPid);
      out.push({
        projects: projects.length,
        up: { ok: projects.filter((p) => p.upOk === true).length, failed, msEach: added.map((p) => p.upMs ?? Number.NaN) },
        rssMb: { daemon: daemonKb / 1024, tree: treeKb / 1024, perProject: treeKb / 1024 / projects.length },
        p1: { edits: samples.length + timeouts, p50: percentile(samples, 50), p95: percentile(samples, 95), timeouts },
        steps: stepMedians(levelSteps),
        load: [load0, os.loadavg()[0] ?? 0],
        cpu,
        containersMb: Object.fromEntries(Object.entries(mem.bySvc).map(([k, v]) => [k, Math.round(v)])),
        webMaxMb: Math.round(mem.webMax),
        nodePss,
        restarts,
        oomKilled,
        notReady,
        editConnections,
        idle,
      });
      process.stderr.write(`bench scale: level ${level}: ${JSON.stringify(out.at(-1))}\n`);
      if (failed.length > 0) {
        stoppedBecause = `up of ${failed.join(", ")} did not end ready at ${level} projects`;
        break;
      }
    }
  } finally {
    await Promise.all(
      projects.map((p) => daemon.cli(["-p", p.name, "down", "-n", p.namespace, "--volumes"], p.example.dir, 180_000).catch(() => undefined)),
    );
    await daemon.stop();
    for (const p of projects) {
      await core.deleteNamespace({ name: p.namespace }).catch(() => undefined);
      p.example.remove();
    }
  }
  return { levels: out, ...(stoppedBecause === undefined ? {} : { stoppedBecause }) };
};

export const formatScale = (r: ScaleResult): string =>
  [
    "| projects | up ok (each up --detach, s) | daemon RSS / tree | **RSS per project** | P1 p50 / p95 (edits, timeouts) | load 1 min start → end | CPU % of a core during the edits | containers MiB (sum) / largest web | restarts / OOMKilled / not ready |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...r.levels.map(
      (l) =>
        `| ${l.projects} | ${l.up.ok}/${l.projects} (${l.up.msEach.map((ms) => (ms / 1000).toFixed(0)).join(", ")}) | ${l.rssMb.daemon.toFixed(0)} / ${l.rssMb.tree.toFixed(0)} MB | **${l.rssMb.perProject.toFixed(1)} MB** | ${fmt(l.p1.p50)} / ${fmt(l.p1.p95)} (${l.p1.edits}, ${l.p1.timeouts}) | ${l.load[0].toFixed(1)} → ${l.load[1].toFixed(1)} | ${Object.entries(l.cpu).map(([k, v]) => `${k} ${v}`).join(", ")} | ${Object.entries(l.containersMb).map(([k, v]) => `${k} ${v}`).join(", ")} / ${l.webMaxMb} | ${l.restarts} / ${l.oomKilled} / ${l.notReady.length} |`,
    ),
    "",
    ...(r.levels.length > 1 && r.levels[0] !== undefined
      ? r.levels.slice(1).flatMap((l) => {
          const one = r.levels[0];
          if (one === undefined || l.projects === one.projects) return [];
          // Against the mean of every reading at the first level (before and, with 1,10,1, after the big one).
          const base = r.levels.filter((b) => b.projects === one.projects);
          const baseP50 = base.reduce((sum, b) => sum + b.p1.p50, 0) / base.length;
          const marginal = (l.rssMb.tree - one.rssMb.tree) / (l.projects - one.projects);
          return [
            `At ${l.projects} projects: P1 p50 against ${one.projects}: ${(l.p1.p50 / baseP50).toFixed(2)}× (target ≤ 1.20×; ${one.projects}-project p50 ${base.map((b) => fmt(b.p1.p50)).join(" and ")}${base.length > 1 ? `, mean ${fmt(baseP50)}` : ""}); daemon RSS each project adds over the first: ${marginal.toFixed(1)} MB.`,
          ];
        })
      : []),
    "",
    ...r.levels.map((l) => `Where an edit's time goes at ${l.projects} project(s) (medians of the daemon's traces): ${Object.entries(l.steps).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}.`),
    "",
    ...r.levels.map((l) => `Node processes' PSS (both nodes), ${l.projects} project(s): ${Object.entries(l.nodePss.byName).map(([k, v]) => `${k} ${v}`).join(", ")} MiB; ${l.nodePss.shims} shims.`),
    ...r.levels.map((l) => `Daemon → apiserver connections opened while the edits ran (and open at their end), ${l.projects} project(s): ${l.editConnections}.`),
    ...r.levels.map((l) => `Daemon → apiserver with no edit, ${l.projects} project(s), ${l.idle.seconds} s: ${l.idle.dataSegsPerS.toFixed(2)} data segments/s, ${l.idle.bytesPerS.toFixed(0)} B/s, ${l.idle.newConnections} new of ${l.idle.connections} connections; CPU % of a core meanwhile: ${Object.entries(l.idle.cpu).map(([k, v]) => `${k} ${v}`).join(", ")}.`),
    ...(r.levels[0] === undefined
      ? []
      : r.levels.slice(1).flatMap((l) => {
          const one = r.levels[0];
          if (one === undefined || l.projects <= one.projects) return [];
          const each = (k: string): string => (((l.idle.cpu[k] ?? 0) - (one.idle.cpu[k] ?? 0)) / (l.projects - one.projects)).toFixed(1);
          const pss = (k: string): string => (((l.nodePss.byName[k] ?? 0) - (one.nodePss.byName[k] ?? 0)) / (l.projects - one.projects)).toFixed(1);
          return [
            `Idle CPU each project adds, ${one.projects} → ${l.projects} projects (% of a core): ${Object.keys(l.idle.cpu).map((k) => `${k} ${each(k)}`).join(", ")}.`,
            `Node memory (PSS) each project adds, ${one.projects} → ${l.projects} projects (MiB): ${Object.keys(l.nodePss.byName).map((k) => `${k} ${pss(k)}`).join(", ")}; shims ${one.nodePss.shims} → ${l.nodePss.shims}.`,
          ];
        })),
    ...(r.stoppedBecause === undefined ? [] : ["", `Stopped: ${r.stoppedBecause}.`]),
  ].join("\n");
