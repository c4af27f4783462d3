/**
 * Everything toManifests needs from outside the ComposeProject, gathered in one place so `devloop render`,
 * the daemon and the golden tests hand in the same inputs: secret/config file contents, bind-mounted files,
 * the interpolation variables (for environment: sources), which develop.watch paths are files and the HEALTHCHECK
 * of each build's Dockerfile. Pure given the file system passed in.
 */
import path from "node:path";
import { buildInterpolationEnvironment } from "../compose/environment.js";
import type { ComposeFileSystem, ComposeProject, HealthcheckSpec, LoadOptions } from "../compose/types.js";
import { collectBindFiles, collectFileContents } from "./file-contents.js";
import { dockerfileHealthcheck } from "./image-healthcheck.js";
import type { TranslateOptions } from "./types.js";

export interface TranslateInputsParams {
  readonly project: ComposeProject;
  /** The options the project was loaded with (shell environment, --env-file, cwd). */
  readonly loadOptions: LoadOptions;
  readonly fs: ComposeFileSystem;
  /** True when the path is a regular file (bind sources that are files become a Secret; watch paths that are files sync one file). */
  readonly isFile: (path: string) => boolean;
}

/** Service → the HEALTHCHECK of the image its build produces (dockerfile_inline or the Dockerfile in the context). */
export const collectImageHealthchecks = (project: ComposeProject, read: (file: string) => string | undefined): Record<string, HealthcheckSpec> => {
  const found: Record<string, HealthcheckSpec> = {};
  for (const service of Object.values(project.services)) {
    const build = service.build;
    if (!build) continue;
    const text = build.dockerfileInline ?? read(path.resolve(build.context, build.dockerfile));
    const healthcheck = text === undefined ? undefined : dockerfileHealthcheck(text, build.args, build.target);
    if (healthcheck) found[service.name] = healthcheck;
  }
  return found;
};

export const gatherTranslateInputs = (params: TranslateInputsParams): Pick<TranslateOptions, "files" | "bindFiles" | "variables" | "watchFiles" | "imageHealthchecks"> => {
  const { project, loadOptions, fs } = params;
  const read = (file: string): string | undefined => fs.readFile(file);
  return {
    files: collectFileContents(project, read),
    bindFiles: collectBindFiles(project, params.isFile, read),
    imageHealthchecks: collectImageHealthchecks(project, read),
    watchFiles: [...new Set(Object.values(project.services).flatMap((s) => (s.develop?.watch ?? []).map((rule) => rule.path)))].filter(params.isFile),
    variables: buildInterpolationEnvironment(
      { shell: loadOptions.environment, envFiles: loadOptions.envFiles, projectDir: project.workingDir, cwd: loadOptions.cwd },
      fs,
    ).env,
  };
};
