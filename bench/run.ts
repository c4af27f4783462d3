/**
 * `npm run bench`: runs the benchmarks and prints a Markdown report with the machine it ran on.
 * `npm run bench -- compose` runs one group. Results are pasted into docs/benchmarks.md with the command.
 */
import os from "node:os";
import { benchAgentCpu, formatAgentCpu } from "./agent-cpu.js";
import { benchArtifactPut } from "./artifact-put.js";
import { benchBigFile, formatBigFile } from "./big-file.js";
import { benchBindTree, formatBindTree } from "./bind-tree.js";
import { benchBindStages } from "./bind-stages.js";
import { benchBindFill } from "./bind-fill.js";
import { benchBuildKit } from "./build-buildkit.js";
import { benchBuildHeredoc } from "./build-heredoc.js";
import { benchCompile, formatCompileBench } from "./compile-go.js";
import { benchComposeLoad, formatComposeLoad } from "./compose-load.js";
import { benchDaemonUp, formatDaemonUp } from "./daemon-up.js";
import { benchDashboardLoad, formatDashboardLoad } from "./dashboard-load.js";
import { benchFaults, formatFaults } from "./faults.js";
import { benchLatency, formatLatency } from "./latency.js";
import { benchLiveLoop, formatLiveLoop } from "./live-loop.js";
import { benchNamespaceApply } from "./namespace-apply.js";
import { benchLoadLimits, formatLoadLimits } from "./load-limits.js";
import { benchPackageStart, formatPackageStart } from "./package-start.js";
import { benchPullRead } from "./pull-read.js";
import { benchRegistryUp, formatRegistryUp } from "./registry-up.js";
import { benchScale, formatScale } from "./scale.js";
import { benchSoak, formatSoak } from "./soak.js";
import { benchSync, formatSyncBench } from "./sync-exec.js";
import { benchWatcherScale, formatWatcherScale } from "./watcher-scale.js";

const groups: Record<string, () => Promise<string>> = {
  // Pure pipeline, no cluster (issue 2).
  compose: () => Promise.resolve(formatComposeLoad(benchComposeLoad())),
  // Issue 14 item 11: the loader's limit errors (chained .env, 2,000 undefined dependencies) timed against clean loads.
  limits: () => Promise.resolve(formatLoadLimits(benchLoadLimits())),
  // Issue 14 item 10: the installed npm package's start-up against the clone's run-time bundle (npm pack + install, no cluster).
  package: () => Promise.resolve(formatPackageStart(benchPackageStart())),
  // P4: the watcher on a 100k-file tree, no cluster.
  watch: async () => formatWatcherScale(await benchWatcherScale()),
  // The rest need the local cluster: eval "$(bash scripts/local-cluster env)" first.
  sync: async () => formatSyncBench(await benchSync()),
  // Issue 12 item 6: the sync session agent's CPU per single-file batch in the pod, against the agent before ab3508d.
  agent: async () => formatAgentCpu(await benchAgentCpu()),
  up: () => Promise.resolve(formatDaemonUp(benchDaemonUp())),
  // Issue 14 item 11: the dashboard's load event and first render in headless Chromium, against a bare page's load.
  dashboard: async () => formatDashboardLoad(await benchDashboardLoad()),
  // P1 and P2 end to end through the daemon running the example.
  live: async () => formatLiveLoop(await benchLiveLoop()),
  // Needs the Docker engine and the bed's Go image (P2).
  compile: async () => formatCompileBench(await benchCompile()),
  // Issue 10: first up of a 20,000-file, 200 MB bind-mounted tree against tar | kubectl exec, and edits on it.
  bind: async () => formatBindTree(await benchBindTree()),
  // Issue 15 item 7: the daemon's RSS before, at its peak while a 200 MiB file is synced, and 30 s after.
  "big-file": async () => formatBigFile(await benchBigFile()),
  // Issue 10: one first up of the bind project, stage by stage (daemon events, pod timestamps, first answer).
  "bind-stages": () => benchBindStages(),
  // Issue 10: the bind fill alone by variant, against tar | kubectl exec into the same running pod.
  "bind-fill": () => benchBindFill(),
  "namespace-apply": () => benchNamespaceApply(),
  // P2's artifact step alone: exec session vs the Docker engine's archive API, and their parts.
  artifact: () => benchArtifactPut(),
  // Issue 15: the puller's read of 200 files a container wrote, confined (a tar per directory) against by path.
  pull: () => benchPullRead(),
  // Issue 11: BuildKit rebuild after a package.json change vs docker build, and the no-change skip (Docker only).
  build: () => benchBuildKit(),
  // Issue 11: a rebuild of a Dockerfile with heredocs (rewritten for 20.10's frontend) vs the same without heredocs.
  "build-heredoc": () => benchBuildHeredoc(),
  // Issue 12 item 6: one daemon running the example in N namespaces (DEVLOOP_BENCH_SCALE, default 1,3,6,10): RSS per project, P1.
  scale: async () => formatScale(await benchScale()),
  // Issue 12: first up of a built service with registry delivery (pod on the two-node bed's node 2) vs the shared engine.
  registry: async () => formatRegistryUp(await benchRegistryUp()),
  // Issue 12 item 5: P1 with the daemon behind a latency proxy (50 ms RTT), the kubectl baseline through it, and 0 ms.
  latency: async () => formatLatency(await benchLatency()),
  // Issue 15: 5 bind-mounted services, 1,000 mixed edits over 5 minutes; pod trees vs local by hashes, daemon RSS.
  soak: async () => formatSoak(await benchSoak()),
  // Issue 15: apiserver restart, daemon kill -9, pod kill, port-forward drop, dockerd restart, each during an edit
  // stream; time until the pods' trees and the HTTP answer show the last edit. Restarts the bed's dockerd (last).
  faults: async () => formatFaults(await benchFaults()),
};

const wanted = process.argv.slice(2);
const selected = wanted.length > 0 ? wanted : Object.keys(groups);
const out: string[] = [
  `# devloop benchmarks — ${new Date().toISOString()}`,
  "",
  `Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`,
  `Command: npm run bench${wanted.length > 0 ? ` -- ${wanted.join(" ")}` : ""}`,
];
for (const name of selected) {
  const group = groups[name];
  if (!group) {
    process.stderr.write(`unknown benchmark group "${name}"; known: ${Object.keys(groups).join(", ")}\n`);
    process.exit(1);
  }
  out.push("", `## ${name}`, "", await group());
}
process.stdout.write(`${out.join("\n")}\n`);
