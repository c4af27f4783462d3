/**
 * A sync plan: from what the disk holds now (observations) and what was last synced (manifest), decide
 * what to put, what to delete, and what the manifest becomes once the plan has been carried out. Pure.
 */
import type { PutFilesParams } from "./sync-pod.js";
import { SyncError } from "./sync-error.js";
import type { HashManifest, ManifestEntry } from "./hash-manifest.js";
import { hashContent, sameEntry, withoutPath } from "./hash-manifest.js";
import { checkRelativePath } from "./sync-path.js";
import type { LocalObservation } from "./local-scan.js";

/**
 * A file to put: with its content when the scan kept it (small files), else read again when packed (the packer hashes
 * what it reads and the manifest takes that hash). `hash` is the scan's ("" when the scan did not read: a fill).
 */
export type PutEntry =
  | { readonly rel: string; readonly kind: "file"; readonly mode: number; readonly hash: string; readonly content?: Buffer; readonly size?: number }
  | { readonly rel: string; readonly kind: "symlink"; readonly target: string }
  | { readonly rel: string; readonly kind: "directory"; readonly mode: number };

export interface SyncRefusal {
  readonly rel: string;
  readonly reason: string;
}

export interface SyncPlan {
  readonly puts: readonly PutEntry[];
  /** Root-relative paths to remove in the target (recursively: a deleted directory takes its contents). */
  readonly deletes: readonly string[];
  readonly unchanged: readonly string[];
  readonly refused: readonly SyncRefusal[];
  /** The manifest after puts and deletes succeeded. */
  readonly next: HashManifest;
}

export interface PlanParams {
  readonly observations: readonly LocalObservation[];
  readonly previous: HashManifest;
  /** Put every present path even when its hash is unchanged (a new pod, drift repair). */
  readonly force?: boolean;
}

/** Every directory that has an entry somewhere below it in the manifest. */
const directoriesOf = (manifest: HashManifest): Set<string> => {
  const dirs = new Set<string>();
  for (const key of manifest.keys()) {
    for (let i = key.indexOf("/"); i !== -1; i = key.indexOf("/", i + 1)) dirs.add(key.slice(0, i));
  }
  return dirs;
};

export const planSync = ({ observations, previous, force = false }: PlanParams): SyncPlan => {
  const next = new Map<string, ManifestEntry>(previous);
  const dirs = directoriesOf(previous);
  // Removing a path's children means a scan of the manifest: only when the path was a directory.
  const remove = (rel: string): void => {
    if (dirs.has(rel)) withoutPath(next, rel);
    else next.delete(rel);
  };
  const puts: PutEntry[] = [];
  const deletes: string[] = [];
  const unchanged: string[] = [];
  const refused: SyncRefusal[] = [];
  for (const { rel, state } of observations) {
    switch (state.kind) {
      case "refused":
        refused.push({ rel, reason: state.reason });
        break;
      case "missing":
        // Deleted locally: delete remotely even if we never synced it (it may have been seeded from the image).
        deletes.push(rel);
        remove(rel);
        break;
      case "directory":
        // A path that was a file and is now a directory: the old file must go first.
        if (next.has(rel)) { deletes.push(rel); next.delete(rel); }
        puts.push({ rel, kind: "directory", mode: state.mode });
        break;
      case "file": {
        const entry: ManifestEntry = { kind: "file", hash: state.hash, mode: state.mode, size: state.size };
        if (!force && sameEntry(previous.get(rel), entry)) { unchanged.push(rel); break; }
        puts.push({ rel, kind: "file", mode: state.mode, size: state.size, hash: state.hash, ...(state.content !== undefined ? { content: state.content } : {}) });
        remove(rel);
        next.set(rel, entry);
        break;
      }
      case "symlink": {
        const entry: ManifestEntry = { kind: "symlink", target: state.target };
        if (!force && sameEntry(previous.get(rel), entry)) { unchanged.push(rel); break; }
        puts.push({ rel, kind: "symlink", target: state.target });
        remove(rel);
        next.set(rel, entry);
        break;
      }
    }
  }
  // A path both deleted and (under a re-created parent) put is fine: deletes run before the extract.
  return { puts, deletes, unchanged, refused, next };
};

/** Manifest entries whose paths the walk no longer found: they were deleted while nobody watched. */
export const vanishedSince = (previous: HashManifest, present: ReadonlySet<string>): string[] =>
  [...previous.keys()].filter((rel) => !present.has(rel)).sort();

/**
 * The puts of a putFiles call (a compiled artifact and the like), each name confined (relative, no `..`), and the
 * manifest entries they become. A refused name rejects the whole call: such files are devloop's own, not the user's.
 */
export const planPutFiles = (params: PutFilesParams): { puts: PutEntry[]; next: Map<string, ManifestEntry> } => {
  const next = new Map<string, ManifestEntry>();
  const puts = params.files.map((f) => {
    const checked = checkRelativePath(f.name);
    if (!checked.ok) throw new SyncError(`refused to put ${JSON.stringify(f.name)} into ${params.targetDir}: ${checked.reason}`, false);
    const content = Buffer.from(f.content.buffer, f.content.byteOffset, f.content.length);
    const hash = hashContent(content);
    next.set(checked.rel, { kind: "file", hash, mode: f.mode, size: content.length });
    return { rel: checked.rel, kind: "file" as const, content, mode: f.mode, size: content.length, hash };
  });
  return { puts, next };
};
