/**
 * devloop restart | resync | rebuild [service] [-p project]: ask the daemon's live loop to restart the process
 * (or replace the pods of a service without live rules), sync every watched path again, or reload and rebuild
 * images whose content changed. One line of output; the outcome shows in `devloop status` (CHANGES) and the
 * dashboard's timeline.
 */
import type { LiveActionKind, LiveActionResponse } from "../../../daemon/src/api/types.js";
import { connectDaemon, resolveProjectName } from "../client.js";
import type { ComposeFlags } from "../compose-options.js";
import { ExitCode } from "../output.js";
import { localProjectName } from "./down.js";

export interface LiveFlags {
  readonly projectName?: string;
  readonly file?: string[];
}

const verbs: Record<LiveActionKind, string> = { restart: "restart", resync: "resync", rebuild: "rebuild" };

/** "shop: restart requested for web, api (api: no live rules, so the pods are replaced)". */
export const describeLiveAction = (r: LiveActionResponse): string => {
  const what = r.service ?? (r.action === "rebuild" ? "every service" : r.services.join(", "));
  if (what === "") return `${r.project}: ${r.action}: ${r.note ?? "nothing to do"}`;
  return `${r.project}: ${verbs[r.action]} requested for ${what}${r.note === undefined ? "" : ` (${r.note})`}; devloop status shows the outcome`;
};

const run = async (kind: LiveActionKind, service: string | undefined, flags: LiveFlags): Promise<number> => {
  const client = await connectDaemon({ start: false });
  const compose: ComposeFlags = { file: flags.file ?? [], profile: [], envFile: [], ...(flags.projectName === undefined ? {} : { projectName: flags.projectName }) };
  const project = await resolveProjectName(client, flags.projectName, () => localProjectName(compose));
  const response = await client.liveAction(project, kind, service);
  process.stdout.write(`${describeLiveAction(response)}\n`);
  return ExitCode.ok;
};

export const restartCommand = (service: string | undefined, flags: LiveFlags): Promise<number> => run("restart", service, flags);
export const resyncCommand = (service: string | undefined, flags: LiveFlags): Promise<number> => run("resync", service, flags);
export const rebuildCommand = (service: string | undefined, flags: LiveFlags): Promise<number> => run("rebuild", service, flags);
