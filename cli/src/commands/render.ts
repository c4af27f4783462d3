/**
 * devloop render: load the compose project, translate it, print the manifests (multi-document YAML or a
 * JSON List) on stdout. Diagnostics go to stderr; exit 1 when there is an error in the input.
 * --as-applied: what `devloop up` applies (as-applied.ts): plus the Namespace, the isolation defaults (unless
 * --no-isolation), devloop's labels and hashes, and built images' tags and supervised commands from the daemon.
 */
import { isDnsLabel } from "../../../daemon/src/translate/names.js";
import { toJsonList, toYamlDocuments } from "../../../daemon/src/translate/serialize.js";
import type { PublicBuild } from "../../../daemon/src/api/types.js";
import { asApplied } from "../as-applied.js";
import { connectDaemon } from "../client.js";
import type { ComposeFlags } from "../compose-options.js";
import { printDiagnostics, renderProject } from "../render-project.js";
import { UserError } from "../user-error.js";

export interface RenderFlags extends ComposeFlags {
  readonly namespace?: string;
  readonly output: string;
  readonly asApplied?: boolean;
  /** commander's --no-isolation (with --as-applied). */
  readonly isolation?: boolean;
}

/** The daemon's builds of this project in this namespace, when a daemon runs it; {} otherwise. */
const daemonBuilds = async (project: string, namespace: string): Promise<Record<string, PublicBuild>> => {
  try {
    const client = await connectDaemon({ start: false });
    const state = await client.state();
    const p = state.projects.find((x) => x.name === project && x.namespace === namespace);
    return Object.fromEntries((p?.services ?? []).flatMap((s) => (s.build === undefined ? [] : [[s.name, s.build]])));
  } catch {
    return {};
  }
};

export const renderCommand = async (services: string[], flags: RenderFlags): Promise<number> => {
  if (flags.output !== "yaml" && flags.output !== "json") throw new UserError(`-o must be yaml or json; got "${flags.output}"`);
  if (flags.namespace !== undefined && !isDnsLabel(flags.namespace)) {
    throw new UserError(`-n ${flags.namespace}: a namespace is a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
  }
  const rendered = await renderProject(services, flags);
  printDiagnostics(rendered.diagnostics);
  if (!rendered.ok) return 1;
  let manifests = rendered.manifests;
  if (flags.asApplied === true) {
    const applied = asApplied({ project: rendered.project, namespace: rendered.namespace, manifests, isolation: flags.isolation !== false, builds: await daemonBuilds(rendered.project.name, rendered.namespace) });
    manifests = applied.manifests;
    for (const note of applied.notes) process.stderr.write(`note: ${note}\n`);
  }
  process.stdout.write(flags.output === "json" ? toJsonList(manifests) : toYamlDocuments(manifests));
  return 0;
};
