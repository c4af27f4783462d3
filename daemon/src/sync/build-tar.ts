/**
 * Builds the tar archive for a plan's puts with tar-stream, in memory: its exact length frames the
 * stdin of the remote `head -c N | tar -x`. File modes are kept; owner is root (uid/gid 0) unless given and the
 * remote side extracts with -m, so mtimes are the container's clock.
 */
import { pack } from "tar-stream";
import type { PutEntry } from "./sync-plan.js";
import { checkRelativePath } from "./sync-path.js";

/**
 * `owner` sets the entries' uid/gid (an archive Docker extracts keeps them; `tar -x` as a non-root user ignores them).
 * `staged` renames files in the archive (rel → staged name beside it, sync/atomic-replace.ts): the container
 * renames them over their targets after the extract.
 */
export const buildTar = async (
  puts: readonly PutEntry[],
  owner: { readonly uid: number; readonly gid: number } = { uid: 0, gid: 0 },
  staged: ReadonlyMap<string, string> = new Map(),
): Promise<Buffer> => {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((resolve, reject) => {
    p.on("end", resolve);
    p.on("error", reject);
  });
  const mtime = new Date();
  // Directories first so that their modes apply before files land in them.
  const ordered = [...puts].sort((a, b) => (a.kind === "directory" ? 0 : 1) - (b.kind === "directory" ? 0 : 1));
  // Entries with their content in hand are written synchronously by tar-stream; no need to wait on each.
  const onError = (err?: Error | null): void => { if (err) p.destroy(err); };
  for (const put of ordered) {
    const check = checkRelativePath(put.rel);
    if (!check.ok) throw new Error(`refusing to archive ${JSON.stringify(put.rel)}: ${check.reason}`);
    const base = { name: check.rel, uid: owner.uid, gid: owner.gid, mtime };
    switch (put.kind) {
      case "file":
        if (put.content === undefined) throw new Error(`${check.rel}: its content was not read (packed by stream instead)`);
        p.entry({ ...base, name: staged.get(check.rel) ?? check.rel, type: "file", mode: put.mode, size: put.content.length }, put.content, onError);
        break;
      case "symlink":
        p.entry({ ...base, type: "symlink", linkname: put.target, mode: 0o777 }, onError);
        break;
      case "directory":
        p.entry({ ...base, type: "directory", mode: put.mode }, onError);
        break;
    }
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
};
