/**
 * Content-hash manifests: what devloop last synced into a target, keyed by root-relative POSIX path.
 * They drive self-healing: a new pod gets everything in the manifest again, and a remote listing that
 * disagrees with the manifest (drift) is corrected by re-putting the differing paths.
 */
import { createHash } from "node:crypto";

export type ManifestEntry =
  | { readonly kind: "file"; readonly hash: string; readonly mode: number; readonly size: number }
  | { readonly kind: "symlink"; readonly target: string };

export type HashManifest = ReadonlyMap<string, ManifestEntry>;

export const emptyManifest: HashManifest = new Map();

export const hashContent = (content: Uint8Array): string => createHash("sha256").update(content).digest("hex");

/** The comparable digest of an entry, in the same form as a remote listing line (see parseRemoteListing). */
export const entryDigest = (entry: ManifestEntry): string =>
  entry.kind === "file" ? entry.hash : `symlink:${entry.target}`;

export const sameEntry = (a: ManifestEntry | undefined, b: ManifestEntry): boolean => {
  if (a === undefined || a.kind !== b.kind) return false;
  if (a.kind === "file" && b.kind === "file") return a.hash === b.hash && a.mode === b.mode;
  return entryDigest(a) === entryDigest(b);
};

/** Removes `rel` and, when it was a directory, everything under it. */
export const withoutPath = (manifest: Map<string, ManifestEntry>, rel: string): void => {
  manifest.delete(rel);
  const prefix = `${rel}/`;
  for (const key of manifest.keys()) if (key.startsWith(prefix)) manifest.delete(key);
};

export const manifestToJson = (manifest: HashManifest): Record<string, ManifestEntry> =>
  Object.fromEntries([...manifest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export const manifestFromJson = (json: Readonly<Record<string, ManifestEntry>>): HashManifest => new Map(Object.entries(json));

/**
 * Parses the output of remoteListCommand(): lines `<sha256>  ./<path>` for regular files and
 * `symlink:<target>  ./<path>` for symlinks. Returns path → digest.
 */
export const parseRemoteListing = (stdout: string): ReadonlyMap<string, string> => {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    const sep = line.indexOf("  ");
    if (sep <= 0) continue;
    const digest = line.slice(0, sep);
    let rel = line.slice(sep + 2);
    // sha256sum escapes names with a backslash or newline by prefixing the line with "\"; such names are never synced.
    if (digest.startsWith("\\")) continue;
    if (rel.startsWith("./")) rel = rel.slice(2);
    out.set(rel, digest);
  }
  return out;
};

export interface DriftReport {
  /** In our manifest but absent in the container. */
  readonly missing: readonly string[];
  /** Present in both with a different digest. */
  readonly changed: readonly string[];
}

/**
 * Compares what we synced with what the container holds. Files the container has that we never synced
 * (seeded from the image) are not drift and are left alone.
 */
export const detectDrift = (manifest: HashManifest, remote: ReadonlyMap<string, string>): DriftReport => {
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [rel, entry] of manifest) {
    const got = remote.get(rel);
    if (got === undefined) missing.push(rel);
    else if (got !== entryDigest(entry)) changed.push(rel);
  }
  return { missing: missing.sort(), changed: changed.sort() };
};
