/**
 * devloop validate: load the compose project and print its diagnostics only (stderr). Exit 1 when there is
 * an error, 0 when there are only warnings or nothing to say.
 */
import { loadProject } from "../../../daemon/src/compose/index.js";
import { nodeFileSystem } from "../../../daemon/src/compose/node-file-system.js";
import { renderDiagnostics } from "../../../daemon/src/errors/render.js";
import { type ComposeFlags, toLoadOptions } from "../compose-options.js";

export const validateCommand = (services: string[], flags: ComposeFlags): Promise<number> => {
  const loaded = loadProject(toLoadOptions(flags, services), nodeFileSystem);
  const diagnostics = loaded.ok ? loaded.warnings : loaded.diagnostics;
  if (diagnostics.length > 0) {
    const color = process.stderr.isTTY === true && !process.env["NO_COLOR"];
    process.stderr.write(renderDiagnostics(diagnostics, { color, source: (file) => nodeFileSystem.readFile(file) }));
  }
  if (loaded.ok) process.stderr.write(`${loaded.project.name}: ${Object.keys(loaded.project.services).length} services, valid\n`);
  return Promise.resolve(loaded.ok ? 0 : 1);
};
