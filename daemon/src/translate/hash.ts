import { createHash } from "node:crypto";

/** A short, stable hex digest: used for truncated names and for content hashes on pod templates. */
export const shortHash = (input: string, length = 8): string =>
  createHash("sha256").update(input).digest("hex").slice(0, length);
