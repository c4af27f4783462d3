/**
 * The engine's ProjectLoader port on the project use case: the disk (or whatever files are handed in), the package's
 * assets read once per daemon, the doctor run once per load. main.ts wires it for the config controller.
 */
import type { Doctor } from "../ports/doctor.js";
import type { ProjectLoader } from "../ports/project-loader.js";
import { loadProject } from "./load-project.js";
import type { ProjectAssets } from "./project-assets.js";
import type { ProjectFiles } from "./project-files.js";

export interface ProjectLoaderParams {
  readonly files: ProjectFiles;
  readonly assets: () => Promise<ProjectAssets>;
  readonly user?: string;
  readonly doctor?: Doctor;
}

export const createProjectLoader = (params: ProjectLoaderParams): ProjectLoader => ({
  async load(request) {
    const result = await loadProject(params.files, request, {
      assets: await params.assets(),
      ...(params.user === undefined ? {} : { user: params.user }),
      ...(params.doctor === undefined ? {} : { doctor: params.doctor }),
    });
    return result.ok ? { ok: true, project: result.project } : { ok: false, diagnostics: result.diagnostics };
  },
});
