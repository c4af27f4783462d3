/** ProjectFiles on the local disk, and the OS user for default namespaces: what the CLI and the daemon hand in. */
import { statSync } from "node:fs";
import { userInfo } from "node:os";
import { nodeFileSystem } from "../compose/node-file-system.js";
import type { ProjectFiles } from "./project-files.js";

export const nodeProjectFiles: ProjectFiles = {
  readFile: (path) => nodeFileSystem.readFile(path),
  exists: (path) => nodeFileSystem.exists(path),
  isFile(path) {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
};

/** The login name of this process's user, if the OS can tell. */
export const osUser = (): string | undefined => {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
};
