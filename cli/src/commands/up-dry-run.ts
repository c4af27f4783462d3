/**
 * devloop up --dry-run: what `up` would create or change in the cluster, applying nothing. The project is rendered as
 * up applies it (render --as-applied: isolation defaults, labels, input hashes, built tags from the daemon when it runs
 * the project), then each object is compared with the cluster's by devloop's input hash. Images are not built.
 */
import type { PublicBuild } from "../../../daemon/src/api/types.js";
import { inputHashAnnotation } from "../../../daemon/src/engine/labels.js";
import type { LiveState } from "../../../daemon/src/ports/live-objects.js";
import type { KubeManifest } from "../../../daemon/src/translate/types.js";
import { asApplied } from "../as-applied.js";
import { connectDaemon } from "../client.js";
import { ExitCode } from "../output.js";
import { printDiagnostics, renderProject } from "../render-project.js";
import { cliErrorOf } from "../cluster-failure.js";
import { kubeLiveObjects } from "../local-adapters.js";
import type { UpFlags } from "./up-flags.js";

export type PlannedChange = "create" | "update" | "unchanged" | "apply";

/** create: absent; unchanged: same input hash; update: another hash; apply: exists without devloop's hash (server-side apply decides). */
export const plannedChange = (manifest: KubeManifest, live: LiveState): PlannedChange => {
  if (!live.exists) return "create";
  const wanted = manifest.metadata.annotations?.[inputHashAnnotation];
  if (wanted === undefined || live.inputHash === "") return "apply";
  return wanted === live.inputHash ? "unchanged" : "update";
};

export const dryRunReport = (namespace: string, manifests: readonly KubeManifest[], states: readonly LiveState[], notes: readonly string[]): string => {
  const lines = manifests.map((m, i) => {
    const change = plannedChange(m, states[i] ?? { exists: false });
    return `${change.padEnd(9)} ${m.kind}/${m.metadata.name}`;
  });
  const counts = new Map<string, number>();
  for (const [i, m] of manifests.entries()) {
    const c = plannedChange(m, states[i] ?? { exists: false });
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const summary = ["create", "update", "apply", "unchanged"].filter((c) => counts.has(c)).map((c) => `${counts.get(c) ?? 0} to ${c === "unchanged" ? "leave unchanged" : c}`).join(", ");
  return `dry run: namespace ${namespace}; nothing applied, nothing built\n${lines.join("\n")}\n${notes.map((n) => `note: ${n}\n`).join("")}${summary}\n`;
};

const daemonView = async (project: string): Promise<{ namespace?: string; builds: Record<string, PublicBuild> }> => {
  try {
    const p = (await (await connectDaemon({ start: false })).state()).projects.find((x) => x.name === project);
    return { ...(p?.namespace === undefined ? {} : { namespace: p.namespace }), builds: Object.fromEntries((p?.services ?? []).flatMap((s) => (s.build === undefined ? [] : [[s.name, s.build] as const]))) };
  } catch {
    return { builds: {} };
  }
};

export const upDryRun = async (services: string[], flags: UpFlags): Promise<number> => {
  const first = await renderProject(services, flags);
  printDiagnostics(first.diagnostics);
  if (!first.ok) return ExitCode.userError;
  const view = await daemonView(first.project.name);
  // The namespace up would use: -n, else the one the daemon runs the project in, else the default.
  const namespace = flags.namespace ?? view.namespace ?? first.namespace;
  const rendered = namespace === first.namespace ? first : await renderProject(services, { ...flags, namespace });
  if (!rendered.ok) return ExitCode.userError;
  const applied = asApplied({ project: rendered.project, namespace, manifests: rendered.manifests, isolation: flags.isolation !== false, builds: namespace === view.namespace ? view.builds : {} });
  let states: readonly LiveState[];
  try {
    states = await (await kubeLiveObjects(flags.context)).states(applied.manifests);
  } catch (error) {
    throw cliErrorOf(error);
  }
  process.stdout.write(dryRunReport(namespace, applied.manifests, states, applied.notes));
  return ExitCode.ok;
};
