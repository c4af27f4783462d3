/** The real DoctorFileSystem: node:fs, read-only, never follows symbolic links while listing. */
import { open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { ContextFile, DoctorFileSystem } from "./doctor-file-system.js";

/** Lists one directory; its files are stat'ed and its subdirectories walked concurrently (libuv bounds the real parallelism). */
const walk = async (root: string, relative: string, descend: ((dir: string) => boolean) | undefined, out: ContextFile[]): Promise<void> => {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries.map(async (entry) => {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!descend || descend(child)) await walk(root, child, descend, out);
      } else if (entry.isFile()) {
        const info = await stat(path.join(root, child)).catch(() => undefined);
        if (info) out.push({ path: child, size: info.size });
      }
    }),
  );
};

export const nodeDoctorFileSystem: DoctorFileSystem = {
  readText: async (file) => {
    try {
      return await readFile(file, "utf8");
    } catch {
      return undefined;
    }
  },
  listFiles: async (dir, descend) => {
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) return undefined;
    const out: ContextFile[] = [];
    await walk(dir, "", descend, out);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  },
  readHead: async (file, length) => {
    try {
      const handle = await open(file, "r");
      try {
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
  },
};
