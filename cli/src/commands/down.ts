/** devloop down [-n ns] [--volumes]: stop the project's loop and delete what it applied (volumes only with --volumes). */
import { loadComposeModel } from "../../../daemon/src/project/load-compose.js";
import { nodeProjectFiles } from "../../../daemon/src/project/node-project-files.js";
import { connectDaemon, resolveProjectName } from "../client.js";
import { type ComposeFlags, toLoadOptions } from "../compose-options.js";
import { ExitCode } from "../output.js";

export interface DownFlags extends ComposeFlags {
  readonly namespace?: string;
  readonly volumes?: boolean;
}

export const localProjectName = (flags: ComposeFlags): string | undefined => {
  const loaded = loadComposeModel(nodeProjectFiles, toLoadOptions(flags, []));
  return loaded.ok ? loaded.project.name : undefined;
};

export const downCommand = async (flags: DownFlags): Promise<number> => {
  const client = await connectDaemon();
  const project = await resolveProjectName(client, flags.projectName, () => localProjectName(flags));
  const result = await client.down(project, { ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }), volumes: flags.volumes === true });
  process.stdout.write(`${project}: down${result.namespace === undefined ? "" : ` (namespace ${result.namespace}${flags.volumes ? ", volumes deleted" : ""})`}\n`);
  return ExitCode.ok;
};
