/**
 * The container → host direction of a bind mount (issue 10): files the container creates or changes in a
 * bind-mounted directory come back to the host, as they would through a Docker bind mount (generated migrations,
 * lock files, build output).
 *
 * Each look lists the container's regular files modified since the last look (its own clock) with their sha256
 * (remote-commands.ts changedSinceCommand); this module decides, per file:
 *   same as what devloop last put there            → nothing (devloop's own sync touched it)
 *   the host's copy is what devloop last put there,
 *   or the host has no such file and never had one  → fetch it and write it on the host
 *   the host changed it too, since the last sync   → conflict: the host's edit wins (it is synced to the pod as any
 *                                                    edit), and the conflict is reported
 * Deletes made in the container are not brought back (a listing of modified files cannot see them), nor symlinks,
 * files over maxPullFileBytes, or more than maxPullFiles per look (the rest come in the next). Pure.
 */
import type { HashManifest, ManifestEntry } from "./hash-manifest.js";
import type { LocalState } from "./local-scan.js";
import type { PathFilter } from "./path-filter.js";
import { checkRelativePath } from "./sync-path.js";

export const maxPullFiles = 200;
export const maxPullFileBytes = 16 * 1024 * 1024;

/** A changed-file listing: the first line is the container's clock (epoch seconds), then `<sha256>  ./path` lines. */
export const parseChangedListing = (stdout: string): { readonly now?: number; readonly files: ReadonlyMap<string, string> } => {
  const lines = stdout.split("\n");
  const first = lines[0]?.trim() ?? "";
  const now = /^\d+$/.test(first) ? Number(first) : undefined;
  const files = new Map<string, string>();
  for (const line of lines.slice(now === undefined ? 0 : 1)) {
    const sep = line.indexOf("  ");
    if (sep <= 0) continue;
    const digest = line.slice(0, sep);
    // sha256sum escapes a name with a backslash or newline by prefixing its line with "\": never pulled.
    if (digest.startsWith("\\") || !/^[0-9a-f]{64}$/.test(digest)) continue;
    let rel = line.slice(sep + 2);
    if (rel.startsWith("./")) rel = rel.slice(2);
    files.set(rel, digest);
  }
  return { ...(now === undefined ? {} : { now }), files };
};

export interface PullDecision {
  /** Fetch these from the container and write them on the host. */
  readonly fetch: readonly string[];
  /** Changed on both sides since the last sync: the host's copy stays and is synced to the pod. */
  readonly conflicts: readonly string[];
  /** Left for the next look (over maxPullFiles). */
  readonly deferred: number;
}

/**
 * `remote`: the container's changed files (path → sha256); `previous`: what devloop last synced into that target;
 * `local`: each candidate's state on the host now.
 */
export const planPull = (params: {
  readonly remote: ReadonlyMap<string, string>;
  readonly previous: HashManifest;
  readonly local: ReadonlyMap<string, LocalState>;
  readonly filter?: PathFilter;
}): PullDecision => {
  const fetch: string[] = [];
  const conflicts: string[] = [];
  let deferred = 0;
  for (const [rel, digest] of [...params.remote].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!checkRelativePath(rel).ok) continue;
    if (params.filter !== undefined && !params.filter(rel, false)) continue;
    const synced = params.previous.get(rel);
    if (synced?.kind === "file" && synced.hash === digest) continue;
    const local = params.local.get(rel) ?? { kind: "missing" };
    if (local.kind === "file" && local.hash === digest) continue; // already the same on both sides
    const hostUnchanged = synced === undefined ? local.kind === "missing" : synced.kind === "file" && local.kind === "file" && local.hash === synced.hash;
    if (!hostUnchanged) {
      conflicts.push(rel);
      continue;
    }
    if (fetch.length >= maxPullFiles) { deferred += 1; continue; }
    fetch.push(rel);
  }
  return { fetch, conflicts, deferred };
};

/** The manifest after pulling: the pulled files are what the target holds, and now the host too. */
export const manifestAfterPull = (previous: HashManifest, pulled: readonly { readonly rel: string; readonly hash: string; readonly mode: number; readonly size: number }[]): HashManifest => {
  const next = new Map<string, ManifestEntry>(previous);
  for (const p of pulled) next.set(p.rel, { kind: "file", hash: p.hash, mode: p.mode, size: p.size });
  return next;
};
