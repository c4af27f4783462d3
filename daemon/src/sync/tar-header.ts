/**
 * Tar headers written directly (ustar, with a pax header for a name or link target ustar cannot hold), byte for byte
 * what tar-stream's pack() writes for the same entry (tar-header.test.ts holds that), so the streamed fill
 * (tar-pack-stream.ts) can put headers and file bytes straight into its output buffers: tar-stream's per-entry stream
 * machinery was a large share of the daemon's CPU in a 20,000-file fill (docs/benchmarks.md, bench bind-fill).
 */

export const tarBlock = 512;

/**
 * GNU tar's default record (`-b 20`). The container's exact tar reads an archive whose length is a multiple of it a
 * record at a time (`tar -x -b 20`: 20 times fewer reads than a block at a time) and still stops at its end: the
 * records' archives of 10 KiB or more are padded with zeros to a whole record (build-tar.ts recordPadded).
 */
export const tarRecord = 20 * tarBlock;

export type TarEntryType = "file" | "directory" | "symlink";

export interface TarEntryHeader {
  readonly name: string;
  readonly type: TarEntryType;
  readonly mode: number;
  /** File bytes that follow the header (0 for directories and symlinks). */
  readonly size: number;
  readonly mtime: Date;
  readonly linkname?: string;
  readonly uid?: number;
  readonly gid?: number;
}

const typeflag: Record<TarEntryType | "pax", number> = { file: 0x30, symlink: 0x32, directory: 0x35, pax: 0x78 };

/** `val` in octal, zero-padded to `n` digits, then a space; all sevens when it does not fit (as tar-stream). */
const writeOct = (buf: Buffer, at: number, val: number, n: number): void => {
  const s = val.toString(8);
  buf.write(s.length > n ? `${"7".repeat(n)} ` : `${"0".repeat(n - s.length)}${s} `, at, "latin1");
};

/** Bytes the padding after `size` bytes of content takes to the next block. */
export const tarPadding = (size: number): number => (tarBlock - (size % tarBlock)) % tarBlock;

/** A pax record: "<length> key=value\n", the length counting itself. */
const paxRecord = (key: string, value: string): string => {
  const body = ` ${key}=${value}\n`;
  const len = Buffer.byteLength(body);
  let digits = String(len).length;
  if (len + digits >= 10 ** digits) digits += 1;
  return `${len + digits}${body}`;
};

/**
 * One 512-byte ustar header into `buf` at `at` (the block is zeroed first), or false when the name or link target
 * does not fit ustar (then a pax header carries them).
 */
const writeUstar = (buf: Buffer, at: number, h: { name: string; type: TarEntryType | "pax"; mode: number; size: number; mtime: Date; linkname?: string; uid: number; gid: number }): boolean => {
  // No "/" after a directory's name: tar-stream writes none (its check for it looks at a field it never sets).
  let name = h.name;
  let prefix = "";
  if (Buffer.byteLength(name) !== name.length) return false;
  while (name.length > 100) {
    const i = name.indexOf("/");
    if (i === -1) return false;
    prefix += prefix ? `/${name.slice(0, i)}` : name.slice(0, i);
    name = name.slice(i + 1);
  }
  if (name.length > 100 || prefix.length > 155) return false;
  if (h.linkname !== undefined && Buffer.byteLength(h.linkname) > 100) return false;
  buf.fill(0, at, at + tarBlock);
  buf.write(name, at, "latin1");
  writeOct(buf, at + 100, h.mode & 0o7777, 6);
  writeOct(buf, at + 108, h.uid, 6);
  writeOct(buf, at + 116, h.gid, 6);
  if (h.size.toString(8).length > 11) {
    // Base-256 size (over 8 GiB), as tar-stream.
    buf[at + 124] = 0x80;
    let n = h.size;
    for (let i = 11; i > 0; i--) { buf[at + 124 + i] = n & 0xff; n = Math.floor(n / 0x100); }
  } else writeOct(buf, at + 124, h.size, 11);
  writeOct(buf, at + 136, Math.trunc(h.mtime.getTime() / 1000), 11);
  buf[at + 156] = typeflag[h.type];
  if (h.linkname !== undefined) buf.write(h.linkname, at + 157);
  buf.write("ustar\u000000", at + 257, "latin1");
  writeOct(buf, at + 329, 0, 6);
  writeOct(buf, at + 337, 0, 6);
  if (prefix) buf.write(prefix, at + 345, "latin1");
  writeOct(buf, at + 148, headerChecksum(buf.subarray(at, at + tarBlock)), 6);
  return true;
};

/** A header block's checksum: the unsigned sum of its bytes with the checksum field (148–155) read as spaces. */
export const headerChecksum = (header: Uint8Array): number => {
  let sum = 8 * 0x20;
  for (let i = 0; i < tarBlock; i++) if (i < 148 || i >= 156) sum += header[i] ?? 0;
  return sum;
};

/** The pax records of a name or link target ustar cannot hold. */
const paxBytes = (h: TarEntryHeader): Buffer => Buffer.from(paxRecord("path", h.name) + (h.linkname !== undefined ? paxRecord("linkpath", h.linkname) : ""));

/** Bytes the header of `h` takes: one block, or a pax header, its records (padded) and a block. */
export const tarHeaderBytes = (h: TarEntryHeader): number => {
  const probe = Buffer.allocUnsafe(tarBlock);
  if (writeUstar(probe, 0, { ...h, uid: h.uid ?? 0, gid: h.gid ?? 0 })) return tarBlock;
  const pax = paxBytes(h);
  return tarBlock + pax.length + tarPadding(pax.length) + tarBlock;
};


/**
 * Writes the header of `h` into `buf` at `at` and returns the bytes written (tarHeaderBytes(h)); `buf` must have room.
 * A name or link target ustar cannot hold goes in a pax header first, as tar-stream writes it ("PaxHeader").
 */
export const writeTarHeader = (buf: Buffer, at: number, h: TarEntryHeader): number => {
  const base = { ...h, mode: h.mode || (h.type === "directory" ? 0o755 : 0o644), size: h.type === "file" ? h.size : 0, uid: h.uid ?? 0, gid: h.gid ?? 0 };
  if (writeUstar(buf, at, base)) return tarBlock;
  const pax = paxBytes(h);
  const paxHeader = { ...base, name: "PaxHeader", type: "pax" as const, size: pax.length, ...(h.linkname !== undefined ? { linkname: "PaxHeader" } : {}) };
  writeUstar(buf, at, paxHeader);
  let off = at + tarBlock;
  pax.copy(buf, off);
  off += pax.length;
  buf.fill(0, off, off + tarPadding(pax.length));
  off += tarPadding(pax.length);
  writeUstar(buf, off, { ...paxHeader, type: base.type, size: base.size });
  return off + tarBlock - at;
};

/** The end of an archive: two zero blocks. */
export const tarEnd = (): Buffer => Buffer.alloc(2 * tarBlock);
