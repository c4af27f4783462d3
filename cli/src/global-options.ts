/**
 * Options given before the subcommand, as `docker compose -f a.yml -p shop up` and `kubectl --context x -n ns get`
 * take them. They are merged into the subcommand's own options (which win for single values; repeatable ones are
 * joined, globals first), so every command sees one options object and `logs -f` can mean follow, as in Compose.
 */
import type { Command } from "commander";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The global options, declared on the program (commander parses them before the subcommand only). */
export const addGlobalOptions = (program: Command): Command =>
  program
    .option("-f, --file <file>", "compose file (repeatable; - reads stdin)", collect, [])
    .option("-p, --project-name <name>", "project name")
    .option("--profile <profile>", "enable a profile (repeatable)", collect, [])
    .option("--env-file <file>", "interpolation env file (repeatable; replaces the project .env)", collect, [])
    .option("--project-directory <dir>", "project directory (default: the first compose file's directory)")
    .option("--context <context>", "kube context (as kubectl --context)")
    .option("--kubeconfig <file>", "kubeconfig file (as kubectl --kubeconfig; default $KUBECONFIG or ~/.kube/config)")
    .option("-n, --namespace <ns>", "namespace (as kubectl -n)");

/** A global option's value in the subcommand's options; kept apart from the subcommand's own so names never clash. */
const globalKeys = ["file", "projectName", "profile", "envFile", "projectDirectory", "context", "kubeconfig", "namespace"] as const;

export type GlobalOptions = Partial<Record<(typeof globalKeys)[number], string | string[]>>;

/**
 * The subcommand's options with the globals folded in: a repeatable option (array) is globals then locals; a single
 * value is the subcommand's when it set one, else the global one. Options the subcommand does not declare still
 * come through (a command that ignores them ignores them).
 */
export const mergeGlobalOptions = (globals: Record<string, unknown>, locals: Record<string, unknown>): Record<string, unknown> => {
  const merged: Record<string, unknown> = { ...locals };
  for (const key of globalKeys) {
    const g = globals[key];
    const l = locals[key];
    if (g === undefined || (Array.isArray(g) && g.length === 0)) continue;
    if (Array.isArray(g)) merged[key] = Array.isArray(l) ? [...(g as unknown[]), ...(l as unknown[])] : (l ?? g);
    else if (l === undefined) merged[key] = g;
  }
  return merged;
};

/** Sets KUBECONFIG for this process and any daemon it starts, as kubectl --kubeconfig does for one call. */
export const applyKubeconfig = (options: Record<string, unknown>): void => {
  const file = options["kubeconfig"];
  if (typeof file === "string" && file !== "") process.env["KUBECONFIG"] = file;
};
