/**
 * devloop config: print the resolved compose model (interpolated, merged, normalised), like
 * `docker compose config`. --format yaml (default) or json; -o FILE writes it there; -q only validates;
 * --services / --volumes / --profiles / --images print names one per line; --no-interpolate leaves ${VARIABLES}
 * as written. Diagnostics go to stderr; exit 1 on errors.
 */
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { imageBuildRequest } from "../../../daemon/src/build/build-request.js";
import { toComposeModel } from "../../../daemon/src/compose/to-compose-model.js";
import type { ComposeFileSystem, ComposeProject } from "../../../daemon/src/compose/types.js";
import { renderDiagnostics } from "../../../daemon/src/errors/render.js";
import { composeLoads } from "../../../daemon/src/project/load-compose.js";
import { nodeProjectFiles } from "../../../daemon/src/project/node-project-files.js";
import { type ComposeFlags, sourceText, toLoadOptions } from "../compose-options.js";
import { UserError } from "../user-error.js";

export interface ConfigFlags extends ComposeFlags {
  readonly format: string;
  readonly output?: string;
  readonly quiet?: boolean;
  readonly services?: boolean;
  readonly volumes?: boolean;
  readonly profiles?: boolean;
  readonly images?: boolean;
  /** commander's --no-interpolate. */
  readonly interpolate?: boolean;
}

/**
 * The compose files as written: every `$` doubled, so interpolation gives each back unchanged (`$$` is a literal
 * `$`). Only YAML files; .env and env_file contents are data, read as they are.
 */
export const verbatimFileSystem = <F extends ComposeFileSystem>(fs: F): F => ({
  ...fs,
  readFile: (path: string) => {
    const text = fs.readFile(path);
    return text !== undefined && /\.ya?ml$/i.test(path) ? text.replaceAll("$", "$$$$") : text;
  },
});

/** The image each service runs, as `docker compose config --images`: its image:, else the one devloop builds for it. */
export const serviceImages = (project: ComposeProject): string[] =>
  Object.values(project.services).map((s) => imageBuildRequest(project, s)?.image ?? s.image ?? "");

/** Every profile a service names (with every profile enabled), sorted, as `docker compose config --profiles`. */
export const allProfiles = (project: ComposeProject): string[] => [...new Set(Object.values(project.services).flatMap((s) => s.profiles))].sort();

const printDiagnosticsOf = (diagnostics: Parameters<typeof renderDiagnostics>[0]): void => {
  if (diagnostics.length === 0) return;
  const color = process.stderr.isTTY === true && !process.env["NO_COLOR"];
  process.stderr.write(renderDiagnostics(diagnostics, { color, source: sourceText }));
};

/** What config prints for the flags given (the first listing flag wins, as in Compose), without the trailing output step. */
export const configText = (project: ComposeProject, flags: ConfigFlags, profileProject: () => ComposeProject | undefined): string => {
  const lines = (items: readonly string[]): string => items.map((i) => `${i}\n`).join("");
  if (flags.services) return lines(Object.keys(project.services));
  if (flags.volumes) return lines(Object.keys(project.volumes));
  if (flags.profiles) return lines(allProfiles(profileProject() ?? project));
  if (flags.images) return lines(serviceImages(project));
  const model = toComposeModel(project);
  // YAML 1.1 readers (docker compose itself) take bare yes/no/on/off as booleans: quote every string.
  return flags.format === "json" ? `${JSON.stringify(model, null, 2)}\n` : stringify(model, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 });
};

export const configCommand = (services: string[], flags: ConfigFlags): Promise<number> => {
  if (flags.format !== "yaml" && flags.format !== "json") throw new UserError(`--format must be yaml or json; got "${flags.format}"`);
  // The project use case's compose stage (daemon/src/project/load-compose.ts): a second load reads no file again.
  const loads = composeLoads(flags.interpolate === false ? verbatimFileSystem(nodeProjectFiles) : nodeProjectFiles);
  const loaded = loads.load(toLoadOptions(flags, services));
  printDiagnosticsOf(loaded.ok ? loaded.warnings : loaded.diagnostics);
  if (!loaded.ok) return Promise.resolve(1);
  if (flags.quiet) return Promise.resolve(0);
  const text = configText(loaded.project, flags, () => {
    // Every profile, also those of services the active ones leave out: load again with all of them enabled.
    const all = loads.load(toLoadOptions({ ...flags, profile: ["*"] }, []));
    return all.ok ? all.project : undefined;
  });
  if (flags.output === undefined || flags.output === "-") process.stdout.write(text);
  else {
    try {
      writeFileSync(flags.output, text);
    } catch (error) {
      throw new UserError(`cannot write ${flags.output}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return Promise.resolve(0);
};
