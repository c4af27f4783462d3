/**
 * Looks at the local disk for a batch of paths: what each one is now (file with content hash, symlink,
 * directory, gone) or why it is refused. Files up to keepContentBytes are read whole and their content kept (an
 * edit's batch is then packed from it); bigger ones are hashed by stream and not kept, and the packer reads them
 * again, hashing what it sends (sync/tar-pack-stream.ts), so a manifest's hash is always that of what was sent.
 * Files are opened with O_NOFOLLOW: a file swapped for a symlink after the lstat is not read through the link.
 */
import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { lstatSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open, readdir, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { PathFilter } from "./path-filter.js";
import { readSmall, safeReadFlags, syncReadBytes } from "./small-read.js";
import { isInside, toRootRelative } from "./sync-path.js";

/** Files up to this size keep their content in the observation; bigger ones are hashed by stream (1 MiB reads). */
export const keepContentBytes = 1024 * 1024;
/**
 * Paths a scan looks at between turns of the event loop: lstat and a small file's read are synchronous (a few µs
 * each, where the promise API cost ~0.1 ms a path), so a 20,000-file rescan would otherwise hold the loop for its
 * whole run.
 */
const yieldEvery = 256;
/** A scan keeps at most this much content in all (a rescan of a big tree hashes the rest and keeps nothing). */
export const keepTotalBytes = 32 * 1024 * 1024;
/** The size of each read of a big file (hashing, packing). */
export const readChunkBytes = 1024 * 1024;

export type LocalState =
  | { readonly kind: "file"; readonly hash: string; readonly mode: number; readonly size: number; readonly content?: Buffer }
  | { readonly kind: "symlink"; readonly target: string }
  | { readonly kind: "directory"; readonly mode: number }
  | { readonly kind: "missing" }
  | { readonly kind: "refused"; readonly reason: string };

export interface LocalObservation {
  /** Root-relative POSIX path, or the path as given when it was refused before it could be made relative. */
  readonly rel: string;
  readonly state: LocalState;
}

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/** Real path of a directory, cached: symlinked parent directories must not lead out of the root. */
const createDirResolver = () => {
  const cache = new Map<string, Promise<string | undefined>>();
  return (dir: string): Promise<string | undefined> => {
    let hit = cache.get(dir);
    if (hit === undefined) {
      hit = realpath(dir).catch((err: unknown) => {
        if (errCode(err) === "ENOENT" || errCode(err) === "ENOTDIR") return undefined;
        throw err;
      });
      cache.set(dir, hit);
    }
    return hit;
  };
};

export interface ScanParams {
  /** Absolute local root of the watch rule / build context. */
  readonly root: string;
  /** Absolute paths or root-relative paths. */
  readonly paths: readonly string[];
  readonly filter?: PathFilter;
  /**
   * false: files are only lstat'ed (hash "", no content): a fill, where every file is put and the packer hashes what
   * it reads. Default true.
   */
  readonly read?: boolean;
}

/** Observes each path once (duplicates collapsed). Paths the filter excludes are dropped silently. */
export const scanPaths = async (params: ScanParams): Promise<LocalObservation[]> => {
  // A root that does not exist (a bind of a directory not created yet) holds nothing: every path is missing.
  const realRoot = await realpath(params.root).catch((err: unknown) => {
    if (errCode(err) === "ENOENT") return undefined;
    throw err;
  });
  const resolveDir = createDirResolver();
  // Content kept so far: a file's content is dropped once the total would pass keepTotalBytes.
  const budget = { left: keepTotalBytes };
  const seen = new Set<string>();
  const out: LocalObservation[] = [];
  const work: { slot: number; rel: string }[] = [];
  for (const p of params.paths) {
    const check = toRootRelative(params.root, p);
    if (!check.ok) {
      if (seen.has(p)) continue;
      seen.add(p);
      out.push({ rel: p, state: { kind: "refused", reason: check.reason } });
      continue;
    }
    const rel = check.rel;
    if (seen.has(rel)) continue;
    seen.add(rel);
    if (realRoot !== undefined) work.push({ slot: out.length, rel });
    out.push({ rel, state: { kind: "missing" } });
  }
  // A fixed pool of workers pulling from the list: bounded open files, no per-path bookkeeping. Most of a path's work
  // is synchronous (lstat, a small file's read): every yieldEvery paths the pool lets the event loop run.
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let item = work[next++]; item !== undefined; item = work[next++]) {
      if (next % yieldEvery === 0) await nextTurn();
      const state = await observe(params.root, realRoot ?? params.root, item.rel, resolveDir, params.filter, params.read ?? true, budget);
      out[item.slot] = { rel: item.rel, state: state ?? { kind: "refused", reason: "" } };
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, work.length) }, worker));
  // Filtered-out paths were marked with an empty refusal reason: drop them.
  return out.filter((o) => !(o.state.kind === "refused" && o.state.reason === ""));
};

/** undefined = excluded by the filter. */
const observe = async (
  root: string,
  realRoot: string,
  rel: string,
  resolveDir: (dir: string) => Promise<string | undefined>,
  filter: PathFilter | undefined,
  read: boolean,
  budget: { left: number },
): Promise<LocalState | undefined> => {
  const abs = path.join(root, ...rel.split("/"));
  const parent = await resolveDir(path.dirname(abs));
  if (parent === undefined) return filter !== undefined && !filterAncestors(filter, rel, false) ? undefined : { kind: "missing" };
  if (!isInside(realRoot, parent)) return { kind: "refused", reason: `a parent directory is a symlink that leads outside the watched root (to ${parent})` };
  let st: Stats;
  try {
    st = lstatSync(abs);
  } catch (err) {
    if (errCode(err) === "ENOENT" || errCode(err) === "ENOTDIR") {
      return filter !== undefined && !filterAncestors(filter, rel, false) ? undefined : { kind: "missing" };
    }
    throw err;
  }
  if (filter !== undefined && !filterAncestors(filter, rel, st.isDirectory())) return undefined;
  if (st.isDirectory()) return { kind: "directory", mode: st.mode & 0o7777 };
  if (st.isSymbolicLink()) {
    const target = await readlink(abs);
    const resolved = path.resolve(path.dirname(abs), target);
    let relTarget: string;
    if (isInside(root, resolved)) {
      relTarget = path.relative(path.dirname(abs), resolved) || ".";
    } else {
      // The root may itself be reached through a symlink (/tmp → /private/tmp): compare real paths too.
      const real = await realpath(resolved).catch(() => undefined);
      if (real === undefined || !isInside(realRoot, real)) {
        return { kind: "refused", reason: `it is a symlink to ${target}, which is outside the watched root` };
      }
      relTarget = path.relative(parent, real) || ".";
    }
    // Always a relative link, so it resolves the same way inside the container's target.
    return { kind: "symlink", target: relTarget.split(path.sep).join("/") };
  }
  if (!st.isFile()) return { kind: "refused", reason: "it is not a regular file, directory or symlink (device, socket or FIFO)" };
  if (!read) return { kind: "file", hash: "", mode: st.mode & 0o7777, size: st.size };
  if (st.size <= syncReadBytes) {
    // Gone or swapped for a symlink since the lstat: missing, as below; grown past syncReadBytes: read by stream.
    const small = readSmall(root, rel);
    if (small === undefined) return { kind: "missing" };
    if (small !== "big") return withinBudget(small.mode, { hash: createHash("sha256").update(small.content).digest("hex"), size: small.content.length, content: small.content }, budget);
  }
  let handle: FileHandle;
  try {
    handle = await open(abs, safeReadFlags);
  } catch (err) {
    // Deleted between lstat and open (gone now, which the next event confirms), or swapped for a symlink (ELOOP: its
    // event comes too, and the symlink is judged then).
    if (errCode(err) === "ENOENT" || errCode(err) === "ELOOP") return { kind: "missing" };
    throw err;
  }
  try {
    const now = await handle.stat();
    if (!now.isFile()) return { kind: "missing" };
    return withinBudget(now.mode & 0o7777, await hashHandle(handle, now.size), budget);
  } finally {
    await handle.close();
  }
};

/** A hashed file's state; its content is kept only while the scan's budget lasts (then taken from it). */
const withinBudget = (mode: number, hashed: { hash: string; size: number; content?: Buffer }, budget: { left: number }): LocalState => {
  if (hashed.content !== undefined && hashed.content.length > budget.left) return { kind: "file", mode, hash: hashed.hash, size: hashed.size };
  budget.left -= hashed.content?.length ?? 0;
  return { kind: "file", mode, ...hashed };
};

/** sha256 of an open file, read to its end; the content too when it is at most keepContentBytes. */
const hashHandle = async (handle: FileHandle, sizeHint: number): Promise<{ hash: string; size: number; content?: Buffer }> => {
  const hash = createHash("sha256");
  if (sizeHint <= keepContentBytes) {
    const content = await handle.readFile();
    if (content.length <= keepContentBytes) return { hash: hash.update(content).digest("hex"), size: content.length, content };
    return { hash: hash.update(content).digest("hex"), size: content.length };
  }
  const buf = Buffer.allocUnsafe(readChunkBytes);
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    size += bytesRead;
  }
  return { hash: hash.digest("hex"), size };
};

/** A path is in when it and every ancestor directory pass the filter. */
const filterAncestors = (filter: PathFilter, rel: string, isDirectory: boolean): boolean => {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i += 1) if (!filter(parts.slice(0, i).join("/"), true)) return false;
  return filter(rel, isDirectory);
};

/**
 * Every path under the root (or under its subdirectory `under`) that passes the filter (files and symlinks; directories are not descended
 * when ignored, and symlinked directories are never followed). For full re-syncs and drift repair.
 * With `emptyDirs`, also every directory below `under` with nothing in it that passes the filter: no file brings it
 * along (tar creates only a put file's parents), so a fill or rescan that walks files alone never creates it.
 */
export const walkRoot = async (root: string, filter?: PathFilter, under = "", emptyDirs = false): Promise<string[]> => {
  const out: string[] = [];
  const visit = async (dirRel: string): Promise<void> => {
    const entries = await readdir(dirRel === "" ? root : path.join(root, ...dirRel.split("/")), { withFileTypes: true });
    const subdirs: string[] = [];
    let kept = 0;
    for (const e of entries) {
      const rel = dirRel === "" ? e.name : `${dirRel}/${e.name}`;
      const isDir = e.isDirectory();
      if (filter !== undefined && !filter(rel, isDir)) continue;
      kept += 1;
      if (isDir) subdirs.push(rel);
      else out.push(rel);
    }
    if (emptyDirs && kept === 0 && dirRel !== under) out.push(dirRel);
    await Promise.all(subdirs.map(visit));
  };
  try {
    await visit(under);
  } catch (err) {
    // A directory removed while walking is simply not there any more; a root that does not exist holds nothing.
    if (errCode(err) === "ENOENT" || (under !== "" && errCode(err) === "ENOTDIR")) return out.sort();
    throw err;
  }
  return out.sort();
};
