/**
 * The puller's read (remote-commands.ts readFilesCommand, pod-confine.ts readall) comes back as marker, tar, marker,
 * tar…: one archive per directory of the target, of bare names. This splits it into the directory and its archive.
 * Pure. Walks the tar headers only to find where each archive ends (a marker starts with a NUL, which no header does;
 * an all-zero block is an archive's end or padding); a stream cut short ends the last group where it was cut.
 */
import { readMarker } from "./pod-confine.js";

export interface ReadGroup {
  /** The directory, relative to the target ("" for the target itself). */
  readonly dir: string;
  /** Its archive: entries named by bare names. */
  readonly archive: Buffer;
}

const block = 512;
const marker = Buffer.from(readMarker, "latin1");

/** An entry's size from its header (octal, or base-256 when the first byte has the high bit). */
const entrySize = (header: Buffer): number => {
  const field = header.subarray(124, 136);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let n = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return n;
  }
  const text = field.toString("latin1").replace(/[\0 ].*$/s, "").trim();
  return text === "" ? 0 : Number.parseInt(text, 8) || 0;
};

export const splitReadGroups = (bytes: Buffer): ReadGroup[] => {
  const groups: ReadGroup[] = [];
  let p = 0;
  let current: { dir: string; start: number } | undefined;
  const close = (end: number): void => {
    if (current !== undefined) groups.push({ dir: current.dir, archive: bytes.subarray(current.start, Math.min(end, bytes.length)) });
    current = undefined;
  };
  while (p < bytes.length) {
    if (bytes[p] === 0 && bytes.subarray(p, p + marker.length).equals(marker)) {
      close(p);
      const eol = bytes.indexOf(0x0a, p + marker.length);
      if (eol < 0) break;
      current = { dir: bytes.subarray(p + marker.length, eol).toString("utf8"), start: eol + 1 };
      p = eol + 1;
      continue;
    }
    if (current === undefined) break; // not what readall writes
    if (bytes[p] === 0) { p += block; continue; } // the end of the archive, or its padding
    p += block + Math.ceil(entrySize(bytes.subarray(p, p + block)) / block) * block;
  }
  close(bytes.length);
  return groups;
};
