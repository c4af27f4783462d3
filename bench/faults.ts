/**
 * Issue 15's fault benchmark: one real daemon on the bed runs a project of 2 bind-mounted services
 * (bench/soak-project.ts; s0 published through devloop's port-forward). For each fault, an edit stream (a mixed edit
 * every 150 ms across both services, s0/message.txt rewritten every fifth) runs 3 s, the fault is injected, the stream
 * goes on 5 s, then one last edit of s0/message.txt is made. Converged = the HTTP answer through the forward carries
 * that last edit AND every pod's /app equals the local tree by sha256 (and directories). Reported: time to converge
 * from the last edit and from the fault, and what was lost if it never converged (then `devloop resync` is tried, so
 * the next fault starts clean, and its outcome is reported too). Faults, in this order (dockerd last: it restarts every
 * container on the bed):
 * - kube-apiserver restart (SIGTERM, the same command line started again: daemon-support's restartApiserver);
 * - daemon kill -9, then a new daemon started on the same state directory (it resumes the project from state.json);
 * - pod kill: s0's pod deleted with grace 0 (the Deployment makes a new one, its bind filled again);
 * - port-forward drop: a TCP connection held open through the forward, then every daemon → apiserver TCP connection
 *   reset with `ss -K` (the forward's WebSocket, watches and exec sessions with it);
 * - Docker engine restart: dockerd SIGTERM'd and started again with its command line, as scripts/local-cluster does;
 *   the bed is checked with `scripts/local-cluster status` and `up` is run if that fails.
 * DEVLOOP_BENCH_FAULTS=apiserver,daemon,pod,forward,docker picks some.
 */
import { spawn, spawnSync } from "node:child_process";
import { openSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { kube, repoRoot, restartApiserver, sleep } from "../daemon/test/integration/daemon-support.js";
import { createEditor, createSoakProject, diffCount, summariseDiffs, type SoakProject, type TreeDiff } from "./soak-project.js";

export interface FaultResult {
  readonly fault: string;
  readonly edits: number;
  /** ms from the last edit / from the fault's injection until converged; undefined = never within the wait. */
  readonly fromLastEditMs: number | undefined;
  readonly fromFaultMs: number | undefined;
  readonly waitedMs: number;
  readonly lost: number;
  readonly wrong: number;
  readonly extra: number;
  readonly dirDiffs: number;
  readonly unreadable: readonly string[];
  readonly httpOk: boolean;
  readonly note: string;
  readonly detail: string;
}

export interface FaultsResult {
  readonly results: readonly FaultResult[];
  readonly load: readonly [number, number];
  readonly bed: string;
}

const state = process.env["DEVLOOP_CLUSTER_STATE"] ?? "/var/lib/devloop/cluster";

const apiserverAnswers = async (timeoutMs: number): Promise<boolean> => {
  const { core } = kube();
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      await core.listNamespace({ limit: 1 });
      return true;
    } catch {
      await sleep(500);
    }
  }
  return false;
};

const dockerAnswers = (): boolean => spawnSync("docker", ["version"], { stdio: "ignore", timeout: 10_000 }).status === 0;

const restartDockerd = async (): Promise<string> => {
  const pidFile = path.join(state, "run", "dockerd.pid");
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
  process.kill(pid, "SIGTERM");
  const t0 = Date.now();
  for (;;) {
    try {
      process.kill(pid, 0);
      if (/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"))) break;
    } catch {
      break;
    }
    if (Date.now() - t0 > 90_000) throw new Error("bench: dockerd did not stop within 90 s");
    await sleep(200);
  }
  const stopped = Date.now() - t0;
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("bench: no dockerd command line");
  const out = openSync(path.join(state, "logs", "dockerd.log"), "a");
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  const t1 = Date.now();
  while (!dockerAnswers()) {
    if (Date.now() - t1 > 60_000) throw new Error("bench: dockerd did not answer within 60 s of its start");
    await sleep(500);
  }
  return `dockerd stopped in ${(stopped / 1_000).toFixed(1)} s, answered ${((Date.now() - t1) / 1_000).toFixed(1)} s after its start`;
};

/**
 * The bed as scripts/local-cluster sees it, given up to 2 minutes to come back by itself (after dockerd's restart the
 * kubelet reports the node not ready for a while); then `up` (idempotent), with node 2 when the bed has one, so the
 * bed other people's tests run on is brought back as it was.
 */
export const ensureBed = async (): Promise<string> => {
  const script = path.join(repoRoot, "scripts/local-cluster");
  const t0 = Date.now();
  let status = spawnSync("bash", [script, "status"], { encoding: "utf8", timeout: 60_000 });
  while (status.status !== 0 && Date.now() - t0 < 120_000) {
    await sleep(5_000);
    status = spawnSync("bash", [script, "status"], { encoding: "utf8", timeout: 60_000 });
  }
  if (status.status === 0) return `bed status ok${Date.now() - t0 > 1_000 ? ` after ${((Date.now() - t0) / 1_000).toFixed(0)} s` : ""}`;
  const nodes = process.env["DEVLOOP_BED_NODE2"] !== undefined ? ["--nodes", "2"] : [];
  const up = spawnSync("bash", [script, "up", ...nodes], { encoding: "utf8", timeout: 900_000 });
  return `bed status failed for 2 min (${status.stdout.split("\n").filter((l) => !/running|Ready|present/.test(l)).join(" / ")}); local-cluster up ${nodes.join(" ")} exit ${up.status}`;
};

/** Resets every TCP connection of `pid` to the apiserver (:6443); returns how many. */
const dropApiserverConnections = (pid: number): number => {
  const ss = spawnSync("ss", ["-tnp", "state", "established", "( dport = :6443 )"], { encoding: "utf8" });
  const ports = ss.stdout
    .split("\n")
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => /127\.0\.0\.1:(\d+)\s/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  for (const p of ports) spawnSync("ss", ["-K", "state", "established", `( sport = :${p} and dport = :6443 )`], { stdio: "ignore" });
  return ports.length;
};

interface Fault {
  readonly name: string;
  readonly waitMs: number;
  inject(p: SoakProject): Promise<string>;
}

const FAULTS: readonly Fault[] = [
  {
    name: "apiserver",
    waitMs: 120_000,
    async inject() {
      const t0 = Date.now();
      await restartApiserver();
      const ok = await apiserverAnswers(90_000);
      return `kube-apiserver restarted; ${ok ? `answered ${((Date.now() - t0) / 1_000).toFixed(1)} s after the SIGTERM` : "did not answer within 90 s"}`;
    },
  },
  {
    name: "daemon",
    waitMs: 120_000,
    async inject(p) {
      await p.daemon.kill9();
      await sleep(1_000);
      const t0 = Date.now();
      await p.daemon.start();
      return `daemon killed -9; a new one answered its health check ${((Date.now() - t0) / 1_000).toFixed(1)} s after its spawn (1 s after the kill)`;
    },
  },
  {
    name: "pod",
    waitMs: 120_000,
    async inject(p) {
      const pod = await p.runningPod("s0");
      await kube().core.deleteNamespacedPod({ name: pod, namespace: p.namespace, gracePeriodSeconds: 0 });
      return `pod ${pod} (s0, the forward's target) deleted with grace 0`;
    },
  },
  {
    name: "forward",
    waitMs: 120_000,
    async inject(p) {
      // A connection held open through the forward: the daemon's WebSocket for it is among those reset.
      const held = connect(p.port, "127.0.0.1");
      let closed = false;
      held.on("close", () => (closed = true));
      held.on("error", () => undefined);
      await sleep(1_000);
      const n = dropApiserverConnections(p.daemon.process?.pid ?? -1);
      await sleep(2_000);
      held.destroy();
      return `${n} daemon → apiserver connections reset with ss -K; the held forward connection ${closed ? "was closed" : "stayed open"}`;
    },
  },
  {
    name: "docker",
    waitMs: 240_000,
    async inject() {
      const note = await restartDockerd();
      return `${note}; ${await ensureBed()}`;
    },
  },
];

const startStream = (p: SoakProject, seed: number): { stop(): Promise<number> } => {
  const editors = p.services.map((s, i) => createEditor(path.join(p.dir, s), seed * 31 + i));
  let running = true;
  let n = 0;
  const loop = (async () => {
    while (running) {
      n++;
      try {
        if (n % 5 === 0) writeFileSync(path.join(p.dir, "s0", "message.txt"), `edit ${seed} ${n}\n`);
        else editors[n % editors.length]?.edit();
      } catch (error) {
        process.stderr.write(`bench faults: edit ${n} failed: ${String(error)}\n`);
      }
      await sleep(150);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return n;
    },
  };
};

const runFault = async (p: SoakProject, fault: Fault, seed: number): Promise<FaultResult> => {
  const stream = startStream(p, seed);
  await sleep(3_000);
  const tFault = Date.now();
  let note: string;
  try {
    note = await fault.inject(p);
  } catch (error) {
    note = `injection failed: ${String(error)}`;
  }
  await sleep(5_000);
  const edits = await stream.stop();
  const lastMessage = `last ${fault.name} ${Date.now()}`;
  writeFileSync(path.join(p.dir, "s0", "message.txt"), `${lastMessage}\n`);
  const tLast = Date.now();
  const converge = async (waitMs: number): Promise<{ at?: number; httpOk: boolean; diffs: Map<string, TreeDiff>; unreadable: string[] }> => {
    const deadline = Date.now() + waitMs;
    let last = { httpOk: false, diffs: new Map<string, TreeDiff>(), unreadable: [] as string[] };
    while (Date.now() < deadline) {
      const httpOk = (await p.answer())?.includes(lastMessage) ?? false;
      const { diffs, unreadable } = httpOk ? await p.compare() : { diffs: last.diffs, unreadable: last.unreadable };
      last = { httpOk, diffs, unreadable };
      if (httpOk && unreadable.length === 0 && diffs.size > 0 && [...diffs.values()].every((d) => diffCount(d) === 0)) return { at: Date.now(), ...last };
      await sleep(250);
    }
    // One last full look, so a failure says what the pods hold.
    const { diffs, unreadable } = await p.compare();
    return { ...last, diffs, unreadable };
  };
  const got = await converge(fault.waitMs);
  const all = [...got.diffs.values()];
  const result: FaultResult = {
    fault: fault.name,
    edits,
    fromLastEditMs: got.at === undefined ? undefined : got.at - tLast,
    fromFaultMs: got.at === undefined ? undefined : got.at - tFault,
    waitedMs: Date.now() - tLast,
    lost: all.reduce((s, d) => s + d.missing.length, 0),
    wrong: all.reduce((s, d) => s + d.wrong.length, 0),
    extra: all.reduce((s, d) => s + d.extra.length, 0),
    dirDiffs: all.reduce((s, d) => s + d.missingDirs.length + d.extraDirs.length, 0),
    unreadable: got.unreadable,
    httpOk: got.httpOk,
    note,
    detail: summariseDiffs(got.diffs),
  };
  process.stderr.write(`bench faults: ${JSON.stringify(result)}\n`);
  if (got.at !== undefined) return result;
  // Not converged: say whether `resync` repairs it, so the next fault starts from a matching tree.
  const t0 = Date.now();
  const r = await p.daemon.cli(["resync"], p.dir, 120_000).catch((error: unknown) => ({ code: -1, stdout: "", stderr: String(error) }));
  const after = await converge(60_000);
  const repaired = after.at === undefined ? `still not equal 60 s after \`devloop resync\` (exit ${r.code})` : `\`devloop resync\` (exit ${r.code}) made it equal in ${((after.at - t0) / 1_000).toFixed(1)} s`;
  return { ...result, note: `${note}; ${repaired}` };
};

export const benchFaults = async (): Promise<FaultsResult> => {
  const load0 = os.loadavg()[0] ?? 0;
  const wanted = (process.env["DEVLOOP_BENCH_FAULTS"] ?? FAULTS.map((f) => f.name).join(",")).split(",");
  const p = await createSoakProject(2, "faults");
  const results: FaultResult[] = [];
  let bed = "";
  try {
    await p.up();
    const ready = Date.now() + 120_000;
    while ((await p.answer()) === undefined) {
      if (Date.now() > ready) throw new Error("bench: no answer through the forward after up");
      await sleep(500);
    }
    let seed = 1;
    for (const fault of FAULTS.filter((f) => wanted.includes(f.name))) results.push(await runFault(p, fault, seed++));
  } finally {
    await p.cleanup();
    // The bed is checked (and brought up when a component is down) only after a fault that restarted one of its parts.
    bed = wanted.includes("apiserver") || wanted.includes("docker") ? await ensureBed() : "not checked: no bed component was restarted";
  }
  return { results, load: [load0, os.loadavg()[0] ?? 0], bed };
};

const s = (ms: number | undefined): string => (ms === undefined ? "**did not converge**" : `${(ms / 1_000).toFixed(1)} s`);

export const formatFaults = (r: FaultsResult): string =>
  [
    `Load average (1 min) at start / end: ${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}; bed afterwards: ${r.bed}`,
    "",
    "| fault, during an edit stream | edits in the stream | converged after the last edit | after the fault | files lost / wrong / left over, dirs off | what happened |",
    "| --- | --- | --- | --- | --- | --- |",
    ...r.results.map(
      (f) =>
        `| ${f.fault} | ${f.edits} | ${s(f.fromLastEditMs)} | ${s(f.fromFaultMs)} | ${f.lost} / ${f.wrong} / ${f.extra}, ${f.dirDiffs}${f.unreadable.length > 0 ? ` (unreadable: ${f.unreadable.join(", ")})` : ""}${f.fromLastEditMs === undefined ? `; last edit over HTTP: ${f.httpOk ? "yes" : "no"}` : ""} | ${f.note}${f.detail === "" ? "" : ` — ${f.detail}`} |`,
    ),
  ].join("\n");
