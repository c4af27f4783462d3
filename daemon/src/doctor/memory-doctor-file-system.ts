/**
 * An in-memory DoctorFileSystem for tests: absolute path → content (string, bytes, or just a size).
 * A directory exists when some file is under it.
 */
import type { ContextFile, DoctorFileSystem } from "./doctor-file-system.js";

export type MemoryFile = string | Uint8Array | { readonly size: number };

const bytesOf = (file: MemoryFile): Uint8Array =>
  typeof file === "string" ? new TextEncoder().encode(file) : file instanceof Uint8Array ? file : new Uint8Array(0);

const sizeOf = (file: MemoryFile): number =>
  typeof file === "string" ? bytesOf(file).length : file instanceof Uint8Array ? file.length : file.size;

export const createMemoryDoctorFileSystem = (files: Readonly<Record<string, MemoryFile>>): DoctorFileSystem => ({
  readText: (file) => {
    const entry = files[file];
    return Promise.resolve(entry === undefined ? undefined : new TextDecoder().decode(bytesOf(entry)));
  },
  readHead: (file, length) => {
    const entry = files[file];
    return Promise.resolve(entry === undefined ? undefined : bytesOf(entry).slice(0, length));
  },
  listFiles: (dir, descend) => {
    const prefix = dir.endsWith("/") ? dir : `${dir}/`;
    const listed: ContextFile[] = [];
    for (const [file, entry] of Object.entries(files)) {
      if (!file.startsWith(prefix)) continue;
      const relative = file.slice(prefix.length);
      const parts = relative.split("/");
      const pruned = parts.slice(0, -1).some((_, i) => descend !== undefined && !descend(parts.slice(0, i + 1).join("/")));
      if (!pruned) listed.push({ path: relative, size: sizeOf(entry) });
    }
    const exists = Object.keys(files).some((file) => file.startsWith(prefix));
    return Promise.resolve(exists ? listed.sort((a, b) => a.path.localeCompare(b.path)) : undefined);
  },
});
