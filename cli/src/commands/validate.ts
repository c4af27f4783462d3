/**
 * devloop validate: load and translate the compose project as `up` would, and print its diagnostics only (stderr):
 * compose errors, translation warnings, x-devloop (compile spec, templates) errors, and where a service's resources
 * (or their absence) collide with the namespace defaults `up` installs (DL-ISOLATION-*, engine/isolation-check.ts).
 * Exit 1 when there is an error, 0 when there are only warnings or nothing to say.
 */
import { isolationCollisions } from "../../../daemon/src/engine/isolation-check.js";
import { sortDiagnostics } from "../../../daemon/src/translate/diagnostics.js";
import type { ComposeFlags } from "../compose-options.js";
import { printDiagnostics, renderProject } from "../render-project.js";

export const validateCommand = async (services: string[], flags: ComposeFlags): Promise<number> => {
  const rendered = await renderProject(services, flags);
  printDiagnostics(rendered.ok ? sortDiagnostics([...rendered.diagnostics, ...isolationCollisions(rendered.project)], rendered.project.composeFiles) : rendered.diagnostics);
  if (rendered.ok) process.stderr.write(`${rendered.project.name}: ${Object.keys(rendered.project.services).length} services, valid\n`);
  return rendered.ok ? 0 : 1;
};
