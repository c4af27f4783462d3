/**
 * A plan's archive as a stream, for payloads too big to hold (a 200 MB file, a bind's first fill): files are read as
 * the archive is pulled, 1 MiB at a time, hashed as they are read (one read per file), optionally gzipped, and cut
 * into frames a shell in the container reads with an exact reader (`rd N`: head -c or dd, sync/session-protocol.ts):
 *
 *   frame  16 bytes "%15d\n" = payload bytes, then the payload; a 0 frame ends the archive
 *   then   one frame with the staged files to rename into place, one per line (empty: none)
 *
 * The rename list comes last so that it names only files that went into the archive: a file that could not be opened
 * any more (deleted, swapped for a symlink) is left out of both, and of `sent`. Each file's tar header carries the
 * size fstat gave on the opened file, and exactly that many bytes follow (zeros if it shrank meanwhile); `sent` holds
 * the hash of those bytes, so the manifest says what the container holds even when the file changed during the read
 * (its watcher event sends it again).
 */
import { createHash } from "node:crypto";
import { closeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import path from "node:path";
import { Readable, pipeline } from "node:stream";
import { createGzip, gzipSync } from "node:zlib";
import { encodeRenames } from "./atomic-replace.js";
import type { GroupEntry } from "./build-tar.js";
import { dirRecord, endRecord, groupPuts, groupRecord } from "./build-tar.js";
import type { ManifestEntry } from "./hash-manifest.js";
import { readChunkBytes } from "./local-scan.js";
import { openSmall, readInto, readSmall, safeReadFlags, syncReadBytes } from "./small-read.js";
import type { PutEntry } from "./sync-plan.js";
import type { TarEntryHeader } from "./tar-header.js";
import { tarBlock, tarHeaderBytes, tarPadding, writeTarHeader } from "./tar-header.js";

/** A frame's header: its payload length, space-padded, and a newline (read as `h=$(rd 16)`, `$((h))`). */
export const frameHeaderBytes = 16;
/** Frames are cut at about this size: each costs the container's shell a few processes. */
export const frameTargetBytes = 4 * 1024 * 1024;

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

export const frameHeader = (bytes: number): Buffer => Buffer.from(`${String(bytes).padStart(frameHeaderBytes - 1)}\n`);

/** An opened file to pack: its size, mode and mtime as fstat gave them. */
interface Opened {
  readonly handle: FileHandle;
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
}

/** Opens a put's file for reading, never through a symlink; undefined when it is gone or no longer a regular file. */
export const openPut = async (root: string, rel: string): Promise<Opened | undefined> => {
  let handle: FileHandle;
  try {
    handle = await open(path.join(root, ...rel.split("/")), safeReadFlags);
  } catch (err) {
    if (["ENOENT", "ENOTDIR", "ELOOP", "ENXIO"].includes(errCode(err) ?? "")) return undefined;
    throw err;
  }
  const st = await handle.stat().catch(async (err: unknown) => { await handle.close(); throw err; });
  if (!st.isFile()) { await handle.close(); return undefined; }
  return { handle, size: st.size, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
};

/**
 * Reads exactly `size` bytes of an opened file in chunks of readChunkBytes (zeros past an early end), hashing them.
 * Each chunk is a new buffer: the archive keeps it until it is sent.
 */
async function* readExactly(opened: Opened, hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  let left = opened.size;
  let eof = false;
  while (left > 0) {
    const chunk = Buffer.alloc(Math.min(readChunkBytes, left));
    let filled = 0;
    while (!eof && filled < chunk.length) {
      const { bytesRead } = await opened.handle.read(chunk, filled, chunk.length - filled, null);
      if (bytesRead === 0) eof = true;
      filled += bytesRead;
    }
    hash.update(chunk);
    left -= chunk.length;
    yield chunk;
  }
}

export interface PackStreamParams {
  readonly puts: readonly PutEntry[];
  /** Where files without content are read from: the plan's local root. */
  readonly root: string;
  /** rel → staged name (sync/atomic-replace.ts): those files go in the archive under that name and are renamed. */
  readonly staged?: ReadonlyMap<string, string>;
  readonly gzip?: boolean;
  /**
   * One plain tar of the whole batch under its relative paths (directories as entries, no records, nothing staged):
   * for remote-commands.ts freshStreamCommand, a fill into an empty target no other process writes. Default: records.
   */
  readonly whole?: boolean;
}

export interface PackStream {
  /** The frames, pulled as they are sent. */
  readonly frames: AsyncIterable<Buffer>;
  /** Filled while the frames are pulled: each file put, as it went into the archive. */
  readonly sent: Map<string, ManifestEntry>;
}

/** The archive is written into buffers of this size (then gzipped, or cut into frames). */
const chunkBytes = 1024 * 1024;
/** Room kept past chunkBytes for one header (a pax header for a long name) without a new buffer. */
const headerSlack = 16 * 1024;

/** A group's entry opened for packing: what it will write, with the size its header says. */
type Packable =
  | { readonly entry: GroupEntry; readonly kind: "symlink"; readonly target: string }
  | { readonly entry: GroupEntry; readonly kind: "content"; readonly content: Buffer; readonly mode: number }
  | { readonly entry: GroupEntry; readonly kind: "small"; readonly fd: number; readonly size: number; readonly mode: number; readonly mtimeMs: number }
  | { readonly entry: GroupEntry; readonly kind: "big"; readonly opened: Opened };

const packableSize = (p: Packable): number => (p.kind === "symlink" ? 0 : p.kind === "content" ? p.content.length : p.kind === "small" ? p.size : p.opened.size);

/** Closes what a group opened and did not write. */
const closePackables = async (list: readonly Packable[]): Promise<void> => {
  for (const p of list) {
    if (p.kind === "small") closeSync(p.fd);
    else if (p.kind === "big") await p.opened.handle.close();
  }
};

/** Files a group opens before its record (its tar's length) is written: a directory with more goes as several groups. */
const maxOpenPerGroup = 256;

/**
 * The batch's records (pod-confine.ts `apply`) in chunks of about chunkBytes: directory records, then per group of one
 * directory (build-tar.ts groupPuts) its record with the tar's length and the tar of its bare names — the group's
 * files are opened first (never through a symlink; one gone since is left out), so the length is that of what follows.
 * Headers (sync/tar-header.ts) and small files' bytes are written straight into the chunk (each small file read with
 * one synchronous read into it, and hashed there), big files go by stream, chunk by chunk. Each file's entry goes into
 * `sent` once its bytes are in the archive.
 */
async function* tarChunks(params: PackStreamParams, staged: ReadonlyMap<string, string>, renamed: string[], sent: Map<string, ManifestEntry>): AsyncGenerator<Buffer> {
  const mtime = new Date();
  // Whole: the same entries under their relative paths in one tar (directories as its entries), no record lines.
  const whole = params.whole === true;
  const { dirs, groups } = groupPuts(params.puts, staged, maxOpenPerGroup);
  let buf = Buffer.allocUnsafe(chunkBytes + headerSlack);
  let at = 0;
  /** The chunk written so far; writing goes on in a new one. */
  const take = (): Buffer => {
    const out = buf.subarray(0, at);
    buf = Buffer.allocUnsafe(chunkBytes + headerSlack);
    at = 0;
    return out;
  };
  /** Bytes `h`'s header takes (one block unless a pax header is needed: a long or non-ASCII name, a link). */
  const headerBytes = (h: TarEntryHeader): number => (h.name.length <= 100 && h.linkname === undefined && Buffer.byteLength(h.name) === h.name.length ? tarBlock : tarHeaderBytes(h));
  /** Writes a header; a header too big for the slack goes as a chunk of its own. */
  function* header(h: TarEntryHeader): Generator<Buffer> {
    const need = headerBytes(h);
    if (need > headerSlack) {
      if (at > 0) yield take();
      const own = Buffer.allocUnsafe(need);
      writeTarHeader(own, 0, h);
      yield own;
      return;
    }
    at += writeTarHeader(buf, at, h);
    if (at >= chunkBytes) yield take();
  }
  /** A record line (a path: well under the slack). */
  function* line(text: string): Generator<Buffer> {
    at += buf.write(text, at);
    if (at >= chunkBytes) yield take();
  }
  /** `n` zero bytes of padding. */
  const pad = (n: number): void => {
    buf.fill(0, at, at + n);
    at += n;
  };
  // A whole tar is extracted keeping its times (freshStreamCommand): a file's is the host's, as a Docker bind shows it,
  // none later than now (the pull-back would list a file from the future at every look). Records go with -m.
  const fileTime = (p: Packable): Date => (whole && (p.kind === "small" || p.kind === "big") ? new Date(Math.min(p.kind === "small" ? p.mtimeMs : p.opened.mtimeMs, mtime.getTime())) : mtime);
  const headerOf = (p: Packable): TarEntryHeader => {
    const name = whole ? p.entry.put.rel : p.entry.name;
    return p.kind === "symlink" ? { name, type: "symlink", linkname: p.target, mode: 0o777, size: 0, mtime }
      : { name, type: "file", mode: p.kind === "big" ? p.opened.mode : p.mode, size: packableSize(p), mtime: fileTime(p) };
  };
  for (const d of dirs) {
    if (whole) yield* header({ name: d.rel, type: "directory", mode: d.mode, size: 0, mtime });
    else yield* line(dirRecord(d.rel, d.mode));
  }
  for (const group of groups) {
    const opened: Packable[] = [];
    try {
      for (const entry of group.entries) {
        const put = entry.put;
        if (put.kind === "symlink") { opened.push({ entry, kind: "symlink", target: put.target }); continue; }
        if (put.content !== undefined) { opened.push({ entry, kind: "content", content: put.content, mode: put.mode }); continue; }
        const small = (put.size ?? 0) <= syncReadBytes ? openSmall(params.root, put.rel) : "big";
        if (small === undefined) continue;
        if (small !== "big") { opened.push({ entry, kind: "small", ...small }); continue; }
        const big = await openPut(params.root, put.rel);
        if (big !== undefined) opened.push({ entry, kind: "big", opened: big });
      }
      if (opened.length === 0) continue;
      const length = opened.reduce((sum, p) => sum + headerBytes(headerOf(p)) + packableSize(p) + tarPadding(packableSize(p)), 2 * tarBlock);
      if (!whole) yield* line(groupRecord(length, group.dir));
      while (opened.length > 0) {
        const p = opened[0]!;
        const h = headerOf(p);
        const rel = p.entry.put.rel;
        if (p.kind === "symlink") {
          yield* header(h);
        } else if (p.kind === "content") {
          yield* header(h);
          if (at + p.content.length + tarBlock > buf.length) { if (at > 0) yield take(); yield p.content; } else { p.content.copy(buf, at); at += p.content.length; }
          pad(tarPadding(p.content.length));
          sent.set(rel, { kind: "file", hash: createHash("sha256").update(p.content).digest("hex"), mode: p.mode, size: p.content.length });
        } else if (p.kind === "small") {
          if (at + headerBytes(h) + p.size + tarBlock > buf.length) yield take();
          yield* header(h);
          // The header may have been a chunk of its own (a very long name): the content still fits this one.
          const start = at;
          const filled = readInto(p.fd, buf, start, p.size);
          // Zeros past an early end (the file shrank since fstat): the header said `size` bytes.
          buf.fill(0, start + filled, start + p.size);
          at = start + p.size;
          sent.set(rel, { kind: "file", hash: createHash("sha256").update(buf.subarray(start, at)).digest("hex"), mode: p.mode, size: p.size });
          pad(tarPadding(p.size));
        } else {
          const hash = createHash("sha256");
          yield* header(h);
          if (at > 0) yield take();
          for await (const chunk of readExactly(p.opened, hash)) yield chunk;
          pad(tarPadding(p.opened.size));
          sent.set(rel, { kind: "file", hash: hash.digest("hex"), mode: p.opened.mode, size: p.opened.size });
        }
        opened.shift();
        await closePackables([p]);
        if (p.kind !== "symlink" && staged.has(rel)) renamed.push(rel);
        if (at >= chunkBytes) yield take();
      }
      if (!whole) pad(2 * tarBlock);
      if (at >= chunkBytes) yield take();
    } finally {
      await closePackables(opened);
    }
  }
  if (whole) pad(2 * tarBlock);
  else yield* line(endRecord);
  yield take();
}

/** Gzip level 1 of a chunk stream, as a chunk stream. */
async function* gzipped(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gz = createGzip({ level: 1, chunkSize: 256 * 1024 });
  const input = Readable.from(source);
  pipeline(input, gz, () => undefined);
  try {
    for await (const chunk of gz as AsyncIterable<Buffer>) yield chunk;
  } finally {
    input.destroy();
    gz.destroy();
  }
}

/** Cuts a chunk stream into frames of about frameTargetBytes, then the end frame; the end frame also when it fails. */
async function* framesOf(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  const frame = (): Buffer => {
    const out = Buffer.concat([frameHeader(size), ...parts], frameHeaderBytes + size);
    parts = [];
    size = 0;
    return out;
  };
  try {
    for await (const chunk of source) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= frameTargetBytes) yield frame();
    }
    if (size > 0) yield frame();
  } catch (err) {
    // The container's tar sees a cut archive and fails; the exec then reports this error.
    yield frameHeader(0);
    throw err;
  }
  yield frameHeader(0);
}

/** The archive of `puts` as frames: the tar (gzipped when asked), the end frame, then the frame of staged renames. */
export const packStream = (params: PackStreamParams): PackStream => {
  const sent = new Map<string, ManifestEntry>();
  const staged = params.whole === true ? new Map<string, string>() : params.staged ?? new Map<string, string>();
  async function* frames(): AsyncGenerator<Buffer> {
    const renamed: string[] = [];
    const tar = tarChunks(params, staged, renamed, sent);
    yield* framesOf(params.gzip === true ? gzipped(tar) : tar);
    const list = encodeRenames(new Map(renamed.map((rel): [string, string] => [rel, staged.get(rel) ?? rel]))).bytes;
    yield Buffer.concat([frameHeader(list.length), list]);
  }
  return { frames: frames(), sent };
};

/** Files of a plan whose content the scan did not keep, read now (small payloads, packed in memory); gone ones dropped. */
export const withContents = async (root: string, puts: readonly PutEntry[]): Promise<PutEntry[]> => {
  const out: PutEntry[] = [];
  for (const put of puts) {
    if (put.kind !== "file" || put.content !== undefined) { out.push(put); continue; }
    const small = (put.size ?? 0) <= syncReadBytes ? readSmall(root, put.rel) : "big";
    if (small === undefined) continue;
    if (small !== "big") {
      out.push({ rel: put.rel, kind: "file", mode: small.mode, size: small.content.length, hash: createHash("sha256").update(small.content).digest("hex"), content: small.content });
      continue;
    }
    const opened = await openPut(root, put.rel);
    if (opened === undefined) continue;
    try {
      const chunks: Buffer[] = [];
      const hash = createHash("sha256");
      for await (const chunk of readExactly(opened, hash)) chunks.push(chunk);
      const content = Buffer.concat(chunks, opened.size);
      out.push({ rel: put.rel, kind: "file", mode: opened.mode, size: opened.size, hash: hash.digest("hex"), content });
    } finally {
      await opened.handle.close();
    }
  }
  return out;
};

/** Bytes the archive of these puts takes, about (tar headers and padding, not gzip). */
export const estimatedTarBytes = (puts: readonly PutEntry[]): number =>
  puts.reduce((sum, p) => sum + 512 + (p.kind === "file" ? Math.ceil((p.content?.length ?? p.size ?? 0) / 512) * 512 : 0), 1024);

const slices = 16;
const sliceBytes = 16 * 1024;

/**
 * Whether a streamed archive is worth gzipping (sync/gzip-choice.ts's rule, from the files themselves since the tar
 * is not built yet): sixteen 16 KiB slices at evenly spread offsets of the files' bytes compress to `ratio` or less.
 */
export const streamWorthGzipping = async (root: string, puts: readonly PutEntry[], ratio: number): Promise<boolean> => {
  const files = puts.filter((p): p is Extract<PutEntry, { kind: "file" }> => p.kind === "file");
  const total = files.reduce((sum, f) => sum + (f.content?.length ?? f.size ?? 0), 0);
  if (total === 0) return false;
  const step = total / slices;
  const parts: Buffer[] = [];
  let at = 0;
  let next = 0;
  for (const f of files) {
    const size = f.content?.length ?? f.size ?? 0;
    if (next >= at + size) { at += size; continue; }
    const offsets: number[] = [];
    while (next < at + size && offsets.length + parts.length < slices) { offsets.push(next - at); next += step; }
    if (f.content !== undefined) {
      for (const o of offsets) parts.push(f.content.subarray(o, o + sliceBytes));
    } else {
      const opened = await openPut(root, f.rel);
      if (opened !== undefined) {
        try {
          for (const o of offsets) {
            const buf = Buffer.alloc(Math.min(sliceBytes, Math.max(0, opened.size - o)));
            const { bytesRead } = await opened.handle.read(buf, 0, buf.length, o);
            parts.push(buf.subarray(0, bytesRead));
          }
        } finally {
          await opened.handle.close();
        }
      }
    }
    at += size;
  }
  const sample = Buffer.concat(parts);
  return sample.length > 0 && gzipSync(sample, { level: 1 }).length / sample.length <= ratio;
};
