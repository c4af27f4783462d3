/** The build context as a tar stream (tar-stream), entries in scan order, modes kept, files read one at a time. */
import { readFile } from "node:fs/promises";
import { pack } from "tar-stream";
import type { Pack } from "tar-stream";
import type { ScannedContext } from "./context-scan.js";

/** A file that is not on disk (e.g. an inline Dockerfile), added after the scanned entries. */
export interface ExtraContextFile {
  readonly name: string;
  readonly data: Buffer;
  readonly mode?: number;
}

export const packContext = (context: ScannedContext, extra: readonly ExtraContextFile[] = []): Pack => {
  const tar = pack();
  const fill = async (): Promise<void> => {
    for (const entry of context.entries) {
      if (entry.kind === "dir") tar.entry({ name: `${entry.path}/`, type: "directory", mode: entry.mode });
      else if (entry.kind === "symlink") tar.entry({ name: entry.path, type: "symlink", linkname: entry.linkTarget ?? "", mode: entry.mode });
      else {
        const data = await readFile(entry.absolute);
        await new Promise<void>((resolve, reject) => {
          tar.entry({ name: entry.path, mode: entry.mode, size: data.length }, data, (error) => (error ? reject(error) : resolve()));
        });
      }
    }
    for (const file of extra) tar.entry({ name: file.name, mode: file.mode ?? 0o644, size: file.data.length }, file.data);
    tar.finalize();
  };
  fill().catch((error: unknown) => tar.destroy(error instanceof Error ? error : new Error(String(error))));
  return tar;
};
