/**
 * devloop render: load the compose project, translate it, print the manifests (multi-document YAML or a
 * JSON List) on stdout. Diagnostics go to stderr; exit 1 when there is an error in the input.
 */
import { isDnsLabel } from "../../../daemon/src/translate/names.js";
import { toJsonList, toYamlDocuments } from "../../../daemon/src/translate/serialize.js";
import type { ComposeFlags } from "../compose-options.js";
import { printDiagnostics, renderProject } from "../render-project.js";
import { UserError } from "../user-error.js";

export interface RenderFlags extends ComposeFlags {
  readonly namespace?: string;
  readonly output: string;
}

export const renderCommand = async (services: string[], flags: RenderFlags): Promise<number> => {
  if (flags.output !== "yaml" && flags.output !== "json") throw new UserError(`-o must be yaml or json; got "${flags.output}"`);
  if (flags.namespace !== undefined && !isDnsLabel(flags.namespace)) {
    throw new UserError(`-n ${flags.namespace}: a namespace is a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
  }
  const rendered = await renderProject(services, flags);
  printDiagnostics(rendered.diagnostics);
  if (!rendered.ok) return 1;
  process.stdout.write(flags.output === "json" ? toJsonList(rendered.manifests) : toYamlDocuments(rendered.manifests));
  return 0;
};
