/**
 * devloop config: print the resolved compose model (interpolated, merged, normalised), like
 * `docker compose config`. --format yaml (default) or json. Diagnostics go to stderr; exit 1 on errors.
 */
import { stringify } from "yaml";
import { loadProject } from "../../../daemon/src/compose/index.js";
import { nodeFileSystem } from "../../../daemon/src/compose/node-file-system.js";
import { toComposeModel } from "../../../daemon/src/compose/to-compose-model.js";
import { renderDiagnostics } from "../../../daemon/src/errors/render.js";
import { type ComposeFlags, toLoadOptions } from "../compose-options.js";
import { UserError } from "../user-error.js";

export interface ConfigFlags extends ComposeFlags {
  readonly format: string;
}

export const configCommand = (services: string[], flags: ConfigFlags): Promise<number> => {
  if (flags.format !== "yaml" && flags.format !== "json") throw new UserError(`--format must be yaml or json; got "${flags.format}"`);
  const loaded = loadProject(toLoadOptions(flags, services), nodeFileSystem);
  const diagnostics = loaded.ok ? loaded.warnings : loaded.diagnostics;
  if (diagnostics.length > 0) {
    const color = process.stderr.isTTY === true && !process.env["NO_COLOR"];
    process.stderr.write(renderDiagnostics(diagnostics, { color, source: (file) => nodeFileSystem.readFile(file) }));
  }
  if (!loaded.ok) return Promise.resolve(1);
  const model = toComposeModel(loaded.project);
  // YAML 1.1 readers (docker compose itself) take bare yes/no/on/off as booleans: quote every string.
  process.stdout.write(flags.format === "json" ? `${JSON.stringify(model, null, 2)}\n` : stringify(model, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 }));
  return Promise.resolve(0);
};
