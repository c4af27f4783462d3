/**
 * What a build sends to the builder: the context's files minus what the ignore file excludes.
 * The ignore file is `<Dockerfile>.dockerignore` beside the Dockerfile when present (BuildKit), else
 * `.dockerignore` at the context root.
 */
import path from "node:path";
import { createDockerIgnore } from "../image/docker-ignore.js";
import type { DockerIgnore } from "../image/docker-ignore.js";
import type { ContextFile, DoctorFileSystem } from "./doctor-file-system.js";

export interface ContextScan {
  /** Absolute context directory. */
  readonly dir: string;
  /** Absolute path of the ignore file in use; undefined when there is none. */
  readonly ignoreFile?: string;
  readonly ignore: DockerIgnore;
  /** Files sent to the builder (not excluded), relative POSIX paths. */
  readonly files: readonly ContextFile[];
  readonly totalBytes: number;
}

export const scanContext = async (
  fs: DoctorFileSystem,
  contextDir: string,
  dockerfilePath: string,
): Promise<ContextScan | undefined> => {
  const candidates = [`${dockerfilePath}.dockerignore`, path.join(contextDir, ".dockerignore")];
  let ignoreFile: string | undefined;
  let ignoreText: string | undefined;
  for (const candidate of candidates) {
    ignoreText = await fs.readText(candidate);
    if (ignoreText !== undefined) {
      ignoreFile = candidate;
      break;
    }
  }
  const ignore = createDockerIgnore(ignoreText);
  // An excluded directory is walked only when a `!` pattern starts with its path (moby's rule).
  const descend = (dir: string): boolean => !ignore.ignores(dir) || !ignore.canSkipDir(dir);
  const listed = await fs.listFiles(contextDir, descend);
  if (listed === undefined) return undefined;
  const files = listed.filter((file) => !ignore.ignores(file.path));
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  return { dir: contextDir, ...(ignoreFile === undefined ? {} : { ignoreFile }), ignore, files, totalBytes };
};
