/**
 * Small files read with synchronous calls: one open (never through a symlink), fstat, read and close each. The promise
 * API's per-call overhead was ~0.1 ms a file on the bed (2 s of the daemon's CPU for a 20,000-file fill); a synchronous
 * open/fstat/read/close of a small cached file is a few µs. Used by the packer (sync/tar-pack-stream.ts) and the scan
 * that hashes files (sync/local-scan.ts); callers that loop over many files yield to the event loop between batches.
 */
import type { Stats } from "node:fs";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import path from "node:path";

/** open(2) flags for reading a synced file: never through a final symlink, never blocking on a FIFO. */
export const safeReadFlags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/** Files up to this size are read with one synchronous read each (bigger ones by stream). */
export const syncReadBytes = 256 * 1024;

/**
 * A regular file opened for reading, synchronously (never through a symlink), with fstat's answer: the caller reads it
 * and closes the descriptor. Undefined when it is gone, a symlink or no longer a regular file. Also for files of any
 * size that are read in one pass anyway (adapters/disk-fill.ts).
 */
export const openRegular = (root: string, rel: string): { fd: number; st: Stats } | undefined => {
  let fd: number;
  try {
    fd = openSync(path.join(root, ...rel.split("/")), safeReadFlags);
  } catch (err) {
    if (["ENOENT", "ENOTDIR", "ELOOP", "ENXIO"].includes(errCode(err) ?? "")) return undefined;
    throw err;
  }
  let keep = false;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    keep = true;
    return { fd, st };
  } finally {
    if (!keep) closeSync(fd);
  }
};

/**
 * A small file opened for reading (never through a symlink), with its size, mode and mtime from fstat: the caller reads
 * it and closes the descriptor. Undefined when it is gone, a symlink or no longer a regular file; "big" when it is
 * bigger than syncReadBytes (then it is read by stream).
 */
export const openSmall = (root: string, rel: string): { fd: number; size: number; mode: number; mtimeMs: number } | "big" | undefined => {
  const opened = openRegular(root, rel);
  if (opened === undefined) return undefined;
  const { fd, st } = opened;
  if (st.size > syncReadBytes) {
    closeSync(fd);
    return "big";
  }
  return { fd, size: st.size, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
};

/**
 * A small file read at once, synchronously (never through a symlink): the bytes read (fewer than fstat said if it
 * shrank meanwhile) and its mode; undefined when it is gone, a symlink or no longer a regular file; "big" when it is
 * bigger than syncReadBytes (then it is read by stream).
 */
export const readSmall = (root: string, rel: string): { content: Buffer; mode: number } | "big" | undefined => {
  const small = openSmall(root, rel);
  if (small === undefined || small === "big") return small;
  try {
    const content = Buffer.alloc(small.size);
    return { content: content.subarray(0, readInto(small.fd, content, 0, small.size)), mode: small.mode };
  } finally {
    closeSync(small.fd);
  }
};

/** Reads up to `size` bytes of `fd` into `buf` at `at` (fewer at an early end); the bytes read. */
export const readInto = (fd: number, buf: Buffer, at: number, size: number): number => {
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, buf, at + filled, size - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return filled;
};
