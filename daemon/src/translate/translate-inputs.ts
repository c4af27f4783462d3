/**
 * Everything toManifests needs from outside the ComposeProject, gathered in one place so `devloop render`,
 * the daemon and the golden tests hand in the same inputs: secret/config file contents, bind-mounted files,
 * the interpolation variables (for environment: sources) and which develop.watch paths are files. Pure given the file system passed in.
 */
import { buildInterpolationEnvironment } from "../compose/environment.js";
import type { ComposeFileSystem, ComposeProject, LoadOptions } from "../compose/types.js";
import { collectBindFiles, collectFileContents } from "./file-contents.js";
import type { TranslateOptions } from "./types.js";

export interface TranslateInputsParams {
  readonly project: ComposeProject;
  /** The options the project was loaded with (shell environment, --env-file, cwd). */
  readonly loadOptions: LoadOptions;
  readonly fs: ComposeFileSystem;
  /** True when the path is a regular file (bind sources that are files become a Secret; watch paths that are files sync one file). */
  readonly isFile: (path: string) => boolean;
}

export const gatherTranslateInputs = (params: TranslateInputsParams): Pick<TranslateOptions, "files" | "bindFiles" | "variables" | "watchFiles"> => {
  const { project, loadOptions, fs } = params;
  const read = (file: string): string | undefined => fs.readFile(file);
  return {
    files: collectFileContents(project, read),
    bindFiles: collectBindFiles(project, params.isFile, read),
    watchFiles: [...new Set(Object.values(project.services).flatMap((s) => (s.develop?.watch ?? []).map((rule) => rule.path)))].filter(params.isFile),
    variables: buildInterpolationEnvironment(
      { shell: loadOptions.environment, envFiles: loadOptions.envFiles, projectDir: project.workingDir, cwd: loadOptions.cwd },
      fs,
    ).env,
  };
};
