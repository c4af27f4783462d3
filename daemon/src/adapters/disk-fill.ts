/**
 * A bind's fill written straight into the pod's volume on this machine's disk (FullSyncParams.hostDir,
 * ports/node-volumes.ts): each file of the plan read once, hashed as it is read, and written there, as the fill over
 * exec leaves it — directories, files with their exact mode and the host's times, symlinks as they are — owned by this
 * process (root, as a root `tar -x` of the archive's 0:0 leaves them); the caller gives the tree to another user. No
 * archive is built or piped (docs/benchmarks.md compares it with feeding the fill's tar stream to a local `tar -x`).
 *
 * Confinement: the directory must be empty (checked first) and no process but this one writes into it meanwhile (the
 * containers that mount it run only devloop's wait until the ready file exists: the caller's rule; the engine may make
 * the mount point of a volume nested in the bind, a directory). Every path is relative with no `..`
 * (checkRelativePath); files are created with O_EXCL and O_NOFOLLOW; a directory found there must be one, not a link;
 * nothing is written under a symlink this fill made (the local walk does not descend into links; checked anyway).
 */
import { createHash } from "node:crypto";
import { chmodSync, closeSync, constants, fchmodSync, futimesSync, lstatSync, mkdirSync, openSync, readSync, readdirSync, symlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { SyncError } from "../ports/syncer.js";
import type { ManifestEntry } from "../sync/hash-manifest.js";
import { openRegular } from "../sync/small-read.js";
import type { PutEntry } from "../sync/sync-plan.js";
import { checkRelativePath } from "../sync/sync-path.js";

const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const chunkBytes = 1024 * 1024;
/** A turn of the event loop every this many paths (the daemon's other work goes on; as the local scan does). */
const yieldEvery = 256;

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

export interface DiskFillResult {
  /** Each file written, as it was read (a file gone or no longer regular when read is not there). */
  readonly sent: Map<string, ManifestEntry>;
  readonly bytes: number;
}

export const fillOnDisk = async (dir: string, root: string, puts: readonly PutEntry[]): Promise<DiskFillResult> => {
  const where = (rel: string): string => `fill of ${dir}: ${rel}`;
  const present = readdirSync(dir);
  if (present.length > 0) throw new SyncError(`fill of ${dir}: it is not empty (${present.slice(0, 3).join(", ")})`, false);
  const sent = new Map<string, ManifestEntry>();
  const made = new Set<string>([""]);
  const links = new Set<string>();
  const buf = Buffer.allocUnsafe(chunkBytes);
  const startedMs = Date.now();
  let bytes = 0;
  let n = 0;

  /** Makes a directory, or takes one already there (a nested volume's mount point the engine made); never a link. */
  const directory = (rel: string, mode?: number): void => {
    const at = path.join(dir, rel);
    try {
      mkdirSync(at, mode);
    } catch (err) {
      if (errCode(err) !== "EEXIST" || !lstatSync(at).isDirectory()) throw err;
    }
    made.add(rel);
  };

  /** Makes rel's parent directories (0755 unless the plan names them first), refusing a path under a link made here. */
  const parents = (rel: string): void => {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const sub = parts.slice(0, i).join("/");
      if (links.has(sub)) throw new SyncError(`${where(rel)}: under the symlink ${sub}`, false);
      if (!made.has(sub)) directory(sub, 0o755);
    }
  };

  for (const put of puts) {
    if (++n % yieldEvery === 0) await new Promise((r) => setImmediate(r));
    const check = checkRelativePath(put.rel);
    if (!check.ok) throw new SyncError(`${where(put.rel)}: ${check.reason}`, false);
    const rel = check.rel;
    parents(rel);
    const to = path.join(dir, rel);
    if (put.kind === "directory") {
      if (!made.has(rel)) directory(rel);
      // The exact mode, as a root `tar -x` keeps it (mkdir's passes through the umask).
      chmodSync(to, put.mode & 0o7777);
      continue;
    }
    if (put.kind === "symlink") {
      symlinkSync(put.target, to);
      links.add(rel);
      sent.set(rel, { kind: "symlink", target: put.target });
      continue;
    }
    // Gone since the walk (or now a link, a socket): not sent; the caller's rescan sees what is there now.
    const opened = openRegular(root, rel);
    if (opened === undefined) continue;
    const { fd: src, st } = opened;
    try {
      const mode = st.mode & 0o7777;
      const out = openSync(to, createFlags, 0o600);
      try {
        // The exact mode, as a root `tar -x` keeps it (open's mode passes through the umask).
        fchmodSync(out, mode);
        const hash = createHash("sha256");
        let size = 0;
        for (;;) {
          const got = readSync(src, buf, 0, chunkBytes, null);
          if (got === 0) break;
          hash.update(buf.subarray(0, got));
          for (let off = 0; off < got;) off += writeSync(out, buf, off, got - off);
          size += got;
        }
        // The host file's times, as a Docker bind shows them and the fill over exec keeps them (none later than the
        // fill's start: a future one would make the pull-back list the file at every look). With the write's own,
        // the files written in the second before the ready file were all listed by the pull-back's first look.
        futimesSync(out, Math.min(st.atimeMs, startedMs) / 1000, Math.min(st.mtimeMs, startedMs) / 1000);
        bytes += size;
        sent.set(rel, { kind: "file", hash: hash.digest("hex"), mode, size });
      } finally {
        closeSync(out);
      }
    } finally {
      closeSync(src);
    }
  }
  return { sent, bytes };
};
