/** A stable hash of a unit's manifests (Tilt's ComputeInputHash): key order does not matter. */
import { createHash } from "node:crypto";

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
};

export const inputHash = (value: unknown): string =>
  createHash("sha256").update(JSON.stringify(canonical(value))).digest("hex").slice(0, 16);
