/** Reads the ignore files a watched root honours. Missing files are simply empty. */
import { readFile } from "node:fs/promises";
import path from "node:path";

const readLines = async (file: string): Promise<string[]> => {
  try {
    return (await readFile(file, "utf8")).split(/\r?\n/);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
};

export interface IgnoreFiles {
  readonly gitignore: readonly string[];
  readonly dockerignore: readonly string[];
}

/**
 * .gitignore from the watched root; .dockerignore from the build context (defaults to the root).
 * Docker also accepts <Dockerfile>.dockerignore beside the Dockerfile; pass that path as dockerignoreFile.
 */
export const readIgnoreFiles = async (root: string, opts: { contextDir?: string; dockerignoreFile?: string } = {}): Promise<IgnoreFiles> => ({
  gitignore: await readLines(path.join(root, ".gitignore")),
  dockerignore: await readLines(opts.dockerignoreFile ?? path.join(opts.contextDir ?? root, ".dockerignore")),
});
