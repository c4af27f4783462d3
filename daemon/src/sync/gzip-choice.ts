/**
 * Whether a tar is worth gzipping before it travels. Gzip level 1 costs ~16 ms per MiB in Node on the bed, about what
 * sending a MiB through the exec session costs, so it pays only when it shrinks the payload a lot: a storm of small
 * files (mostly tar headers and padding, ~50×) or text. A compiled binary shrinks to ~60 % and was gzipped whole
 * (~100 ms for a 6.4 MiB Go binary) only to be sent plain. Sixteen 16 KiB slices spread over the tar are compressed
 * first (~2 ms); the whole tar is gzipped only when they shrink below `sampleRatio`.
 */
import { gzipSync } from "node:zlib";

/** Tars below this size are sent as they are. */
export const gzipFromBytes = 256 * 1024;
/** The sample must shrink to this fraction or less (binaries: 0.5–0.6 on average; tar padding, text: ≤ 0.3). */
export const sampleRatio = 0.4;
/** The whole gzip is kept only when it is at most this fraction of the tar. */
export const keepRatio = 0.5;

const slices = 16;
const sliceBytes = 16 * 1024;

/** The compressed fraction of evenly spread slices of `data`. */
export const sampledGzipRatio = (data: Uint8Array): number => {
  if (data.length <= slices * sliceBytes) return gzipSync(data, { level: 1 }).length / Math.max(1, data.length);
  const step = Math.floor((data.length - sliceBytes) / (slices - 1));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < slices; i++) parts.push(data.subarray(i * step, i * step + sliceBytes));
  const sample = Buffer.concat(parts);
  return gzipSync(sample, { level: 1 }).length / sample.length;
};

/** True when the tar should be gzipped (then kept only if the result is ≤ keepRatio of the tar). */
export const worthGzipping = (tar: Uint8Array): boolean => tar.length >= gzipFromBytes && sampledGzipRatio(tar) <= sampleRatio;
