/**
 * devloop validate: load and translate the compose project as `up` would, and print its diagnostics only (stderr):
 * compose errors, translation warnings, x-devloop (compile spec, templates) errors, and where a service's resources
 * (or their absence) collide with the namespace defaults `up` installs (DL-ISOLATION-*, policy/isolation-check.ts), and
 * Dockerfile heredocs that cannot be built (DL-BUILD-006, at the Dockerfile line: unterminated, a COPY destination…) and
 * Dockerfile lines BuildKit's parser refuses or its versions read differently (DL-BUILD-007, at the word: a bad flag…).
 * Exit 1 when there is an error, 0 when there are only warnings or nothing to say.
 */
import { dockerfileSyntaxDiagnostics } from "../../../daemon/src/build/dockerfile-syntax-check.js";
import { heredocDiagnostics } from "../../../daemon/src/build/heredoc-check.js";
import { nodeFileSystem } from "../../../daemon/src/compose/node-file-system.js";
import type { ComposeProject } from "../../../daemon/src/compose/types.js";
import { isolationCollisions } from "../../../daemon/src/policy/isolation-check.js";
import { hasErrors } from "../../../daemon/src/errors/diagnostic.js";
import type { Diagnostic } from "../../../daemon/src/errors/diagnostic.js";
import { sortDiagnostics } from "../../../daemon/src/translate/diagnostics.js";
import type { ComposeFlags } from "../compose-options.js";
import { printDiagnostics, renderProject } from "../render-project.js";

export const validateCommand = async (services: string[], flags: ComposeFlags): Promise<number> => {
  const rendered = await renderProject(services, flags);
  // Dockerfile heredocs that cannot be built and lines BuildKit refuses, at their line (DL-BUILD-006, DL-BUILD-007).
  const read = (file: string): string | undefined => nodeFileSystem.readFile(file);
  const dockerfiles = (project: ComposeProject): Diagnostic[] => [...heredocDiagnostics(project, read, process.cwd()), ...dockerfileSyntaxDiagnostics(project, read, process.cwd())];
  if (!rendered.ok) {
    printDiagnostics(rendered.diagnostics);
    return 1;
  }
  const diagnostics = sortDiagnostics([...rendered.diagnostics, ...isolationCollisions(rendered.project), ...dockerfiles(rendered.project)], rendered.project.composeFiles);
  printDiagnostics(diagnostics);
  if (hasErrors(diagnostics)) return 1;
  process.stderr.write(`${rendered.project.name}: ${Object.keys(rendered.project.services).length} services, valid\n`);
  return 0;
};
