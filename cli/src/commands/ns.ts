/**
 * devloop ns list | use NAME | current: the project's namespace per developer; `use` moves the loop and leaves the
 * old namespace intact. `list` shows the namespaces the caller's identity (its kubeconfig and context) may use: the
 * devloop namespaces it may list, its context's namespace and its projects' namespaces, each with the day-to-day
 * rights it lacks there (asked with SelfSubjectAccessReview; a namespace-scoped identity lists no namespaces).
 */
import { connectDaemon, resolveProjectName } from "../client.js";
import type { ComposeFlags } from "../compose-options.js";
import { ExitCode, table } from "../output.js";
import { UserError } from "../user-error.js";
import { localProjectName } from "./down.js";

export const nsCommand = async (action: string, name: string | undefined, flags: ComposeFlags & { readonly context?: string }): Promise<number> => {
  const client = await connectDaemon({ start: action === "list", ...(flags.context === undefined ? {} : { context: flags.context }) });
  if (action === "list") {
    const namespaces = await client.namespaces();
    const access = (missing: readonly string[] | undefined): string => (missing === undefined ? "" : missing.length === 0 ? "usable" : `may not ${missing.join(", ")}`);
    process.stdout.write(`${table([["NAMESPACE", "PROJECT", "ACTIVE", "ACCESS"], ...namespaces.map((n) => [n.name, n.project ?? "", n.active ? "*" : "", access(n.missing)])])}\n`);
    return ExitCode.ok;
  }
  const project = await resolveProjectName(client, flags.projectName, () => localProjectName(flags));
  if (action === "current") {
    const p = (await client.state()).projects.find((x) => x.name === project);
    if (!p) throw new UserError(`no project "${project}" in the daemon; run devloop up first`);
    process.stdout.write(`${p.namespace ?? ""}\n`);
    return ExitCode.ok;
  }
  if (action === "use") {
    if (name === undefined) throw new UserError("devloop ns use NAME: missing the namespace name");
    await client.useNamespace(project, name);
    process.stdout.write(`${project}: moving to namespace ${name} (the old one stays until devloop down -n OLD)\n`);
    return ExitCode.ok;
  }
  throw new UserError(`devloop ns: expected list, use NAME or current; got "${action}"`);
};
