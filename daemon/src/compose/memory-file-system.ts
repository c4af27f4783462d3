/** An in-memory ComposeFileSystem for tests: absolute paths → file text; directories exist when a file is below them. */
import path from "node:path";
import type { ComposeFileSystem } from "./types.js";

export const createMemoryFileSystem = (files: Readonly<Record<string, string>>, root = "/p"): ComposeFileSystem => {
  const abs = new Map(Object.entries(files).map(([k, v]) => [path.resolve(root, k), v]));
  return {
    readFile: (p) => abs.get(path.resolve(p)),
    exists: (p) => {
      const r = path.resolve(p);
      if (abs.has(r)) return true;
      for (const k of abs.keys()) if (k.startsWith(`${r}/`)) return true;
      return false;
    },
  };
};
