import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { nodeFileSystem } from "../../daemon/src/compose/node-file-system.js";
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

/** `-f -` reads the compose file from stdin, once, as `docker compose -f -` does. */
let stdinText: string | undefined;
const readStdin = (): string => (stdinText ??= readFileSync(0, "utf8"));

/** A file's text for a diagnostic's source excerpt: "-" is what stdin gave. */
export const sourceText = (file: string): string | undefined => (file === "-" ? stdinText : nodeFileSystem.readFile(file));

/** `up`'s own: `stopGracePeriod` (-t/--timeout, seconds, every service's stop_grace_period) and `noBuild` (--no-build). */
export const toLoadOptions = (flags: ComposeFlags & { readonly stopGracePeriod?: number; readonly noBuild?: boolean }, services: readonly string[]): LoadOptions => ({
  files: flags.file,
  ...(flags.file.includes("-") ? { stdin: readStdin() } : {}),
  ...(flags.projectName === undefined ? {} : { projectName: flags.projectName }),
  ...(flags.projectDirectory === undefined ? {} : { projectDirectory: flags.projectDirectory }),
  profiles: flags.profile,
  envFiles: flags.envFile,
  services,
  environment: process.env,
  cwd: process.cwd(),
  ...(flags.stopGracePeriod === undefined ? {} : { stopGracePeriod: flags.stopGracePeriod }),
  ...(flags.noBuild === true ? { noBuild: true } : {}),
});
