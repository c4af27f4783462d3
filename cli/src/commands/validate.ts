/**
 * devloop validate: load and translate the compose project as `up` would, and print its diagnostics only (stderr):
 * compose errors, translation warnings, x-devloop (compile spec, templates) errors, and where a service's resources
 * (or their absence) collide with the namespace defaults `up` installs (DL-ISOLATION-*, policy/isolation-check.ts), and
 * Dockerfile heredocs Docker 20.10's frontend rejects (DL-BUILD-006, at the Dockerfile line).
 * Exit 1 when there is an error, 0 when there are only warnings or nothing to say.
 */
import { heredocDiagnostics } from "../../../daemon/src/build/heredoc-check.js";
import { nodeFileSystem } from "../../../daemon/src/compose/node-file-system.js";
import type { ComposeProject } from "../../../daemon/src/compose/types.js";
import { isolationCollisions } from "../../../daemon/src/policy/isolation-check.js";
import type { Diagnostic } from "../../../daemon/src/errors/diagnostic.js";
import { sortDiagnostics } from "../../../daemon/src/translate/diagnostics.js";
import type { ComposeFlags } from "../compose-options.js";
import { printDiagnostics, renderProject } from "../render-project.js";

export const validateCommand = async (services: string[], flags: ComposeFlags): Promise<number> => {
  const rendered = await renderProject(services, flags);
  // Dockerfile heredocs, at their line: Docker 20.10's frontend rejects them (DL-BUILD-006, build/heredoc-check.ts).
  const dockerfiles = (project: ComposeProject): Diagnostic[] => heredocDiagnostics(project, (file) => nodeFileSystem.readFile(file), process.cwd());
  printDiagnostics(rendered.ok ? sortDiagnostics([...rendered.diagnostics, ...isolationCollisions(rendered.project), ...dockerfiles(rendered.project)], rendered.project.composeFiles) : rendered.diagnostics);
  if (rendered.ok) process.stderr.write(`${rendered.project.name}: ${Object.keys(rendered.project.services).length} services, valid\n`);
  return rendered.ok ? 0 : 1;
};
