/** The real file system for the loader (CLI and daemon); tests pass an in-memory ComposeFileSystem instead. */
import { existsSync, readFileSync } from "node:fs";
import type { ComposeFileSystem } from "./types.js";

export const nodeFileSystem: ComposeFileSystem = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  exists(path: string): boolean {
    return existsSync(path);
  },
};
