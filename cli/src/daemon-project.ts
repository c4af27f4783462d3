/** The project a daemon command (ps, port, exec) means, as the daemon shows it: -p, else the compose project here, else the only one. */
import type { PublicProject } from "../../daemon/src/api/types.js";
import { type DaemonClient, connectDaemon, resolveProjectName } from "./client.js";
import type { ComposeFlags } from "./compose-options.js";
import { localProjectName } from "./commands/down.js";
import { UserError } from "./user-error.js";

export interface ProjectFlags extends Partial<ComposeFlags> {
  readonly projectName?: string;
}

export const daemonProject = async (flags: ProjectFlags): Promise<{ readonly client: DaemonClient; readonly project: PublicProject }> => {
  const client = await connectDaemon({ start: false });
  const compose: ComposeFlags = {
    file: flags.file ?? [],
    profile: flags.profile ?? [],
    envFile: flags.envFile ?? [],
    ...(flags.projectName === undefined ? {} : { projectName: flags.projectName }),
    ...(flags.projectDirectory === undefined ? {} : { projectDirectory: flags.projectDirectory }),
  };
  const name = await resolveProjectName(client, flags.projectName, () => localProjectName(compose));
  const project = (await client.state()).projects.find((p) => p.name === name);
  if (!project) throw new UserError(`no project "${name}" in the daemon; run devloop up first`);
  return { client, project };
};

/** The named service of a project, or a UserError listing the ones it has. */
export const serviceOf = (project: PublicProject, service: string): PublicProject["services"][number] => {
  const found = project.services.find((s) => s.name === service);
  if (!found) throw new UserError(`no service "${service}" in project ${project.name}; it has: ${project.services.map((s) => s.name).join(", ") || "none"}`);
  return found;
};
