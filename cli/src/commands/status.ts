/**
 * devloop status [--json] [-w]: every project the daemon runs, per service, then each failed service's exit code,
 * reason, last log lines and pod events; -w redraws on every event.
 */
import type { PublicDelivery, PublicProject } from "../../../daemon/src/api/types.js";
import { connectDaemon } from "../client.js";
import { buildFailed, failureReport } from "../failure-report.js";
import { ExitCode, changesTable, projectTable, useColor } from "../output.js";

export interface StatusFlags {
  readonly json?: boolean;
  readonly watch?: boolean;
  readonly projectName?: string;
}

/** "images by registry 127.0.0.1:5000 (a registry is configured (DEVLOOP_REGISTRY)), artifacts over exec". */
export const deliveryText = (d: PublicDelivery): string => {
  if (d.strategy === undefined) return `images: no delivery: ${d.error ?? "?"}`;
  const images = `images by ${d.strategy}${d.registry === undefined ? "" : ` ${d.registry}`}${d.reason === undefined ? "" : ` (${d.reason})`}`;
  return `${images}${d.artifacts === undefined ? "" : `, artifacts ${d.artifacts === "docker" ? "by the Docker engine" : "over exec"}`}`;
};

export const statusCommand = async (flags: StatusFlags): Promise<number> => {
  // A daemon that died (kill -9) is started again: it resumes its projects, so status shows them, not an error.
  const client = await connectDaemon({ start: "after-crash" });
  const snapshot = await client.state();
  const pick = (projects: readonly PublicProject[]): PublicProject[] => projects.filter((p) => flags.projectName === undefined || p.name === flags.projectName);
  const color = useColor();
  const print = (projects: readonly PublicProject[], cluster: { reachable: boolean; message?: string }): void => {
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ cluster, projects }, null, flags.watch ? 0 : 2)}\n`);
      return;
    }
    if (flags.watch && process.stdout.isTTY) process.stdout.write("\u001b[2J\u001b[H");
    if (!cluster.reachable) process.stdout.write(`cluster unreachable: ${cluster.message ?? ""} (retrying)\n`);
    // Each project runs under the kube context its up was made with, and its images reach that cluster its own way: say which.
    for (const p of projects) {
      const parts = [p.context === undefined ? undefined : `kube context ${p.context}, namespace ${p.namespace ?? "?"}`, p.delivery === undefined ? undefined : deliveryText(p.delivery)].filter((x) => x !== undefined);
      if (parts.length > 0) process.stdout.write(`${p.name}: ${parts.join("; ")}\n`);
    }
    process.stdout.write(projects.length === 0 ? "no projects (devloop up starts one)\n" : `${projectTable(projects, color)}\n`);
    // A failed service's exit, last log lines and pod events (a failed build's output): what to fix first.
    const failures = projects.flatMap((p) => p.services.filter((sv) => sv.phase === "failed" || buildFailed(sv)).map((sv) => failureReport(sv, color, 10)));
    if (failures.length > 0) process.stdout.write(`\nFailed:\n${failures.join("")}`);
    const changes = changesTable(projects, color);
    if (changes !== "") process.stdout.write(`\nRecent changes (live sync):\n${changes}\n`);
  };
  const projects = new Map(pick(snapshot.projects).map((p) => [p.name, p]));
  let cluster: { reachable: boolean; message?: string } = snapshot.cluster;
  print([...projects.values()], cluster);
  if (!flags.watch) return ExitCode.ok;
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  await client.events({
    since: snapshot.seq,
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === "project" && pick([event.project]).length > 0) projects.set(event.project.name, event.project);
      else if (event.type === "projectRemoved") projects.delete(event.project);
      else if (event.type === "cluster") cluster = event.cluster;
      else return;
      print([...projects.values()], cluster);
    },
  });
  return ExitCode.ok;
};
