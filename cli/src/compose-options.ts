import type { Command } from "commander";
import type { LoadOptions } from "../../daemon/src/compose/types.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The flags every command that loads a compose project shares, as `docker compose` spells them. */
export const addComposeOptions = (command: Command): Command =>
  command
    .option("-f, --file <file>", "compose file (repeatable)", collect, [])
    .option("-p, --project-name <name>", "project name")
    .option("--profile <profile>", "enable a profile (repeatable)", collect, [])
    .option("--env-file <file>", "interpolation env file (repeatable; replaces the project .env)", collect, [])
    .option("--project-directory <dir>", "project directory (default: the first compose file's directory)");

export interface ComposeFlags {
  readonly file: string[];
  readonly projectName?: string;
  readonly profile: string[];
  readonly envFile: string[];
  readonly projectDirectory?: string;
}

export const toLoadOptions = (flags: ComposeFlags, services: readonly string[]): LoadOptions => ({
  files: flags.file,
  ...(flags.projectName === undefined ? {} : { projectName: flags.projectName }),
  ...(flags.projectDirectory === undefined ? {} : { projectDirectory: flags.projectDirectory }),
  profiles: flags.profile,
  envFiles: flags.envFile,
  services,
  environment: process.env,
  cwd: process.cwd(),
});
