/**
 * Issue 12 item 6: what the sync session's agent (daemon/src/sync/session-protocol.ts) costs the pod per single-file
 * edit, in CPU, where the scale bench found the pod-side steps growing with 10 projects on 2 cores. The agent runs
 * with `times` appended, so its shell reports its own and its children's user + system time at the end; divided by
 * the batches it applied, that is the CPU per batch, which the machine's load barely moves (wall time it moves a lot).
 * Against the agent as it was before ab3508d, kept here as the baseline: the header read with `$(head -c 48)`, the tar
 * behind `head -c N | { tar; cat; }`. Both use today's rename step, so only the per-batch commands differ.
 * Each agent applies DEVLOOP_BENCH_AGENT_BATCHES (200) batches of one staged file, alternating baseline and current,
 * two rounds: locally (the system's sh) and in a pod of the bed's Node image (kubectl exec -i), when the bed is up.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { encodeRenames, planStaging, readRenamesSnippet, renameSnippet } from "../daemon/src/sync/atomic-replace.js";
import { buildRecords, buildTar } from "../daemon/src/sync/build-tar.js";
import { intoSnippet } from "../daemon/src/sync/pod-confine.js";
import { hashContent } from "../daemon/src/sync/hash-manifest.js";
import { agentCommand, encodeRequest, headerBytes, readerSnippet } from "../daemon/src/sync/session-protocol.js";
import { checkTargetDir } from "../daemon/src/sync/sync-path.js";
import { bedImages, bedKubeconfigPath, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "../daemon/test/integration/helpers/index.js";
import { bedKubectl } from "./sync-exec.js";
import { fmt, median, percentile } from "./stats.js";

/** The agent before ab3508d (its header ends in a space, not a newline: `baselineRequest`). */
const baselineScript = [
  'mkdir -p -- "$0" && cd -- "$0" || exit 1',
  readerSnippet('echo "declined"; exit 0'),
  'echo "ready $r"',
  `while hdr=$(rd ${headerBytes}) && [ \${#hdr} -eq ${headerBytes} ]; do`,
  "  set -- $hdr",
  "  rc=0; x=0",
  '  if [ "$2" -gt 0 ]; then rd "$2" | xargs -0 -r rm -rf -- || rc=$?; fi',
  `  ${readRenamesSnippet('"$3"')}`,
  '  if [ "$1" -gt 0 ]; then rd "$1" | { tar -x -m -f - || t=$?; cat >/dev/null; exit "${t:-0}"; } || x=$?; fi',
  '  if [ "$1" -lt 0 ]; then rd "$((-$1))" | { tar -x -z -m -f - || t=$?; cat >/dev/null; exit "${t:-0}"; } || x=$?; fi',
  '  if [ -n "$names" ]; then',
  intoSnippet,
  renameSnippet,
  "  fi",
  '  [ "$x" -eq 0 ] || rc=$x',
  '  echo "done $rc"',
  "done",
].join("\n");

const baselineRequest = (req: Buffer): Buffer => {
  const out = Buffer.from(req);
  out[headerBytes - 1] = 0x20;
  return out;
};

interface Agent {
  readonly name: "baseline" | "current";
  readonly argv: (target: string) => string[];
  readonly frame: (req: Buffer) => Buffer;
}

const agents: readonly Agent[] = [
  { name: "baseline", argv: (t) => ["sh", "-c", `${baselineScript}\ntimes >&2`, checkTargetDir(t)], frame: baselineRequest },
  { name: "current", argv: (t) => { const [sh, c, script, ...rest] = agentCommand(t); return [sh ?? "sh", c ?? "-c", `${script ?? ""}\ntimes >&2`, ...rest]; }, frame: (r) => r },
];

export interface AgentRun {
  readonly where: "local" | "pod";
  readonly agent: Agent["name"];
  readonly ready: string;
  /** User + system CPU of the agent's shell and its children, per batch. */
  readonly cpuMs: number;
  readonly wallP50: number;
  readonly wallP95: number;
}

export interface AgentCpuResult {
  readonly batches: number;
  readonly runs: readonly AgentRun[];
  readonly load: readonly [number, number];
}

/** Applies `n` single-file batches through one agent started by `spawnArgv`; CPU from its `times` line. */
const runAgent = async (where: AgentRun["where"], agent: Agent, spawnArgv: (argv: string[]) => string[], target: string, n: number): Promise<AgentRun> => {
  const [cmd, ...args] = spawnArgv(agent.argv(target));
  const child = spawn(cmd ?? "sh", args, { stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (c: Buffer) => { err += c.toString(); });
  const closed = new Promise<void>((r) => child.on("close", () => r()));
  let buf = "";
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  child.stdout.on("data", (c: Buffer) => {
    buf += c.toString();
    for (let i = buf.indexOf("\n"); i !== -1; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line); else lines.push(line);
    }
  });
  const next = (): Promise<string> => {
    const line = lines.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((r) => waiters.push(r));
  };
  const ready = await next();
  if (!ready.startsWith("ready")) throw new Error(`bench agent: ${agent.name} (${where}) answered ${JSON.stringify(ready)}: ${err}`);
  const wall: number[] = [];
  for (let i = 0; i < n; i++) {
    const content = Buffer.from(`module.exports = { message: "edit ${i}" };\n`);
    const puts = [{ rel: "src/message.js", kind: "file" as const, content, mode: 0o644, hash: hashContent(content) }];
    const staged = planStaging(puts);
    // The baseline takes a bare tar; the current agent the batch's records (one group of the root here).
    const payload = agent.name === "baseline" ? await buildTar(puts, undefined, staged) : buildRecords(puts, staged);
    const req = agent.frame(encodeRequest(payload, [], false, encodeRenames(staged)));
    const t0 = performance.now();
    child.stdin.write(req);
    const reply = await next();
    wall.push(performance.now() - t0);
    if (reply !== "done 0") throw new Error(`bench agent: ${agent.name} (${where}) answered ${JSON.stringify(reply)}: ${err}`);
  }
  child.stdin.end();
  await closed;
  // `times`: "0m0.010000s 0m0.020000s" for the shell, then the same for its children.
  const seconds = [...err.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length < 4) throw new Error(`bench agent: no times line from ${agent.name} (${where}): ${err}`);
  return { where, agent: agent.name, ready, cpuMs: (seconds.reduce((a, b) => a + b, 0) * 1000) / n, wallP50: median(wall), wallP95: percentile(wall, 95) };
};

export const benchAgentCpu = async (): Promise<AgentCpuResult> => {
  const n = Number(process.env["DEVLOOP_BENCH_AGENT_BATCHES"] ?? 200);
  const load0 = os.loadavg()[0] ?? 0;
  const runs: AgentRun[] = [];
  const local = mkdtempSync(path.join(tmpdir(), "devloop-bench-agent-"));
  try {
    for (let round = 0; round < 2; round++) for (const a of agents) runs.push(await runAgent("local", a, (argv) => argv, path.join(local, `${a.name}${round}`), n));
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
  if (process.env["KUBECONFIG"] !== undefined || process.env["DEVLOOP_BENCH_AGENT_POD"] === "1") {
    const kc = loadBedKubeConfig();
    const ns = await createTestNamespace(kc, "bench-agent");
    try {
      await kc.makeApiClient(CoreV1Api).createNamespacedPod({
        namespace: ns,
        body: { apiVersion: "v1", kind: "Pod", metadata: { name: "agent" }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: "app", image: bedImages().node, imagePullPolicy: "Never", command: ["sleep", "infinity"] }] } },
      });
      await waitForPodReady(kc, { namespace: ns, name: "agent", timeoutMs: 90_000 });
      const viaKubectl = (argv: string[]): string[] => [bedKubectl(), "--kubeconfig", bedKubeconfigPath(), "exec", "-i", "-n", ns, "agent", "-c", "app", "--", ...argv];
      for (let round = 0; round < 2; round++) for (const a of agents) runs.push(await runAgent("pod", a, viaKubectl, `/tmp/${a.name}${round}`, n));
    } finally {
      await deleteTestNamespace(kc, ns);
    }
  }
  return { batches: n, runs, load: [load0, os.loadavg()[0] ?? 0] };
};

export const formatAgentCpu = (r: AgentCpuResult): string => {
  const rows = (["local", "pod"] as const).flatMap((where) => {
    const of = (agent: Agent["name"]): AgentRun[] => r.runs.filter((x) => x.where === where && x.agent === agent);
    const base = of("baseline");
    const cur = of("current");
    if (base.length === 0 || cur.length === 0) return [];
    const cpu = (xs: AgentRun[]): number => median(xs.map((x) => x.cpuMs));
    const wall = (xs: AgentRun[]): number => median(xs.map((x) => x.wallP50));
    return [
      `| ${where} | ${base[0]?.ready ?? ""} → ${cur[0]?.ready ?? ""} | ${base.map((x) => x.cpuMs.toFixed(2)).join(", ")} ms | ${cur.map((x) => x.cpuMs.toFixed(2)).join(", ")} ms | **${(cpu(cur) / cpu(base)).toFixed(2)}×** | ${fmt(wall(base))} → ${fmt(wall(cur))} |`,
    ];
  });
  return [
    `${r.batches} single-file batches per agent, two rounds each, baseline and current alternating; load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}.`,
    "",
    "| where | ready line (baseline → current) | CPU per batch, baseline (sh + children) | current | current / baseline | wall p50 per batch (medians of the rounds) |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
};
