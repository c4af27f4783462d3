/**
 * Builds the tar archive for a plan's puts with tar-stream, in memory: its exact length frames the
 * stdin of the remote `head -c N | tar -x`. File modes are kept; owner is root (uid/gid 0) unless given and the
 * remote side extracts with -m, so mtimes are the container's clock.
 */
import path from "node:path";
import { pack } from "tar-stream";
import { tarExtent } from "./session-protocol.js";
import type { TarEntryHeader } from "./tar-header.js";
import { tarBlock, tarHeaderBytes, tarPadding, tarRecord, writeTarHeader } from "./tar-header.js";
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

/** A file or symlink of a batch under the bare name it has in its group's directory. */
export interface GroupEntry {
  readonly put: Exclude<PutEntry, { kind: "directory" }>;
  /** No `/`: the staged name (root group) or the entry's last component. */
  readonly name: string;
}

/** The entries of one directory of the target (`dir` "" = the root), extracted there by one tar. */
export interface EntryGroup {
  readonly dir: string;
  readonly entries: readonly GroupEntry[];
}

/**
 * A batch as pod-confine.ts's `apply` takes it: its directories (shallowest first, each parent's together), then its
 * files and symlinks grouped by directory under bare names — staged files in the root's group (first) under their
 * staged names, the others (a batch over the staging limit) and symlinks in their own directory's group. Each path is
 * checked (relative, no `..`); `maxGroup` splits a big directory into several groups (the stream opens a group's files
 * before it writes it).
 */
export const groupPuts = (puts: readonly PutEntry[], staged: ReadonlyMap<string, string> = new Map(), maxGroup = Infinity): { dirs: Extract<PutEntry, { kind: "directory" }>[]; groups: EntryGroup[] } => {
  const dirs: Extract<PutEntry, { kind: "directory" }>[] = [];
  const byDir = new Map<string, GroupEntry[]>([["", []]]);
  for (const put of puts) {
    const check = checkRelativePath(put.rel);
    if (!check.ok) throw new Error(`refusing to archive ${JSON.stringify(put.rel)}: ${check.reason}`);
    if (put.kind === "directory") { dirs.push({ ...put, rel: check.rel }); continue; }
    const stagedName = put.kind === "file" ? staged.get(check.rel) : undefined;
    const dir = stagedName !== undefined ? "" : parentOf(check.rel);
    const list = byDir.get(dir) ?? [];
    list.push({ put: { ...put, rel: check.rel }, name: stagedName ?? path.posix.basename(check.rel) });
    byDir.set(dir, list);
  }
  // Parents before children (depth), then each parent's directories together (apply makes them with one mkdir).
  const key = (d: { rel: string; mode: number }): [number, string, number, string] => [d.rel.split("/").length, parentOf(d.rel), d.mode & 0o7777, d.rel];
  dirs.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] ?? 0) < (kb[i] ?? 0) ? -1 : 1;
    return 0;
  });
  const groups: EntryGroup[] = [];
  for (const [dir, entries] of byDir) {
    for (let i = 0; i < entries.length; i += Math.min(maxGroup, entries.length)) groups.push({ dir, entries: entries.slice(i, i + Math.min(maxGroup, entries.length)) });
  }
  return { dirs, groups };
};

const parentOf = (rel: string): string => {
  const i = rel.lastIndexOf("/");
  return i === -1 ? "" : rel.slice(0, i);
};

/**
 * The length an archive of `length` bytes (ending with its two zero blocks) is sent with: 10 KiB or more, zero-padded
 * to a whole tar record, so that the container's exact tar reads it a record at a time (pod-confine.ts `apply`: `-b 20`
 * for a length that is a multiple of the record, `-b 1` otherwise; both stop at the record that holds the end).
 */
export const recordPadded = (length: number): number => (length < tarRecord ? length : Math.ceil(length / tarRecord) * tarRecord);

/** The record line of a directory; of a group whose tar of `bytes` follows (`last`: the batch's last group); the end. */
export const dirRecord = (rel: string, mode: number): string => `d ${(mode & 0o7777).toString(8)} ${rel}\n`;
export const groupRecord = (bytes: number, dir: string, last = false): string => `${last ? "T" : "t"} ${bytes} ${dir}\n`;
export const endRecord = "e\n";

/**
 * A batch's records in memory (pod-confine.ts `apply`): directory records, then each group's line and its tar of bare
 * names (headers by tar-header.ts, as the stream writes them; each archive checked to end exactly at its length, or
 * within the last record of it once padded (recordPadded): the container may read it with a tar that stops at the end
 * blocks), then the end. Undefined when the batch puts nothing.
 */
export const buildRecords = (
  puts: readonly PutEntry[],
  staged: ReadonlyMap<string, string> = new Map(),
  owner: { readonly uid: number; readonly gid: number } = { uid: 0, gid: 0 },
): Buffer | undefined => {
  if (puts.length === 0) return undefined;
  const { dirs, groups } = groupPuts(puts, staged);
  const parts: Buffer[] = dirs.map((d) => Buffer.from(dirRecord(d.rel, d.mode)));
  const mtime = new Date();
  for (const [i, group] of groups.entries()) {
    const headers = group.entries.map((e): TarEntryHeader => {
      const base = { name: e.name, uid: owner.uid, gid: owner.gid, mtime };
      if (e.put.kind === "symlink") return { ...base, type: "symlink", linkname: e.put.target, mode: 0o777, size: 0 };
      if (e.put.content === undefined) throw new Error(`${e.put.rel}: its content was not read (packed by stream instead)`);
      return { ...base, type: "file", mode: e.put.mode, size: e.put.content.length };
    });
    const length = headers.reduce((sum, h) => sum + tarHeaderBytes(h) + h.size + tarPadding(h.size), 2 * tarBlock);
    const tar = Buffer.alloc(recordPadded(length));
    let at = 0;
    for (const [k, h] of headers.entries()) {
      at += writeTarHeader(tar, at, h);
      const put = group.entries[k]?.put;
      if (put?.kind === "file" && put.content !== undefined) at += put.content.copy(tar, at);
      at += tarPadding(h.size);
    }
    if (tarExtent(tar) !== length) throw new Error(`sync archive of ${group.dir || "the target's root"} does not end at its length: not sent`);
    parts.push(Buffer.from(groupRecord(tar.length, group.dir, i === groups.length - 1)), tar);
  }
  parts.push(Buffer.from(endRecord));
  return Buffer.concat(parts);
};
