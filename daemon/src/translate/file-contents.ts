/**
 * The contents translate needs but may not read itself: the files named by the secrets and configs that
 * enabled services use. Pure given `readFile`; the CLI and daemon pass the real file system's.
 */
import type { ComposeProject } from "../compose/types.js";

export const collectFileContents = (project: ComposeProject, readFile: (path: string) => string | undefined): Record<string, string> => {
  const used = {
    secrets: new Set(Object.values(project.services).flatMap((s) => s.secrets.map((r) => r.source))),
    configs: new Set(Object.values(project.services).flatMap((s) => s.configs.map((r) => r.source))),
  };
  const files: Record<string, string> = {};
  for (const [kind, specs] of [["secrets", project.secrets], ["configs", project.configs]] as const) {
    for (const [key, spec] of Object.entries(specs)) {
      if (!used[kind].has(key) || spec.external || spec.file === undefined) continue;
      const text = readFile(spec.file);
      if (text !== undefined) files[spec.file] = text;
    }
  }
  return files;
};

/** Contents of the bind-mount sources that are files (pure given `isFile` and `readFile`). */
export const collectBindFiles = (
  project: ComposeProject,
  isFile: (path: string) => boolean,
  readFile: (path: string) => string | undefined,
): Record<string, string> => {
  const files: Record<string, string> = {};
  for (const service of Object.values(project.services)) {
    for (const volume of service.volumes) {
      if (volume.type !== "bind" || volume.source in files || !isFile(volume.source)) continue;
      const text = readFile(volume.source);
      if (text !== undefined) files[volume.source] = text;
    }
  }
  return files;
};
