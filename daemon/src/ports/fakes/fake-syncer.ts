/**
 * An in-memory Syncer for engine tests: records every call, never touches disk or cluster, and can be
 * told to fail. Each synced path is recorded as put with a fake hash (a counter), so a later call's
 * `previous` can be checked against what an earlier call returned.
 */
import type { HashManifest, ManifestEntry } from "../../sync/hash-manifest.js";
import { SyncError } from "../syncer.js";
import type { DriftRepairResult, FullSyncParams, PutFilesParams, SyncParams, SyncResult, Syncer } from "../syncer.js";

export type FakeSyncCall =
  | { readonly method: "sync"; readonly params: SyncParams }
  | { readonly method: "fullSync" | "reconcile"; readonly params: FullSyncParams }
  | { readonly method: "putFiles"; readonly params: PutFilesParams };

export interface FakeSyncer extends Syncer {
  readonly calls: readonly FakeSyncCall[];
  /** Local roots prepareFull was asked to scan ahead. */
  readonly prepared: readonly string[];
  /** The next call rejects with this SyncError (once). */
  failNext(message: string, transient?: boolean): void;
  /** Every call rejects with this SyncError until recover() (the cluster unreachable for a while). */
  failAll(message: string, transient?: boolean): void;
  recover(): void;
  /** Paths reported as refused by the next calls, e.g. ["link-to-etc"]. */
  refuse(rels: readonly string[]): void;
}

export const createFakeSyncer = (): FakeSyncer => {
  const calls: FakeSyncCall[] = [];
  const prepared: string[] = [];
  let failure: SyncError | undefined;
  let outage: SyncError | undefined;
  let refused = new Set<string>();
  let counter = 0;

  const take = (): void => {
    const f = failure;
    failure = undefined;
    if (f !== undefined) throw f;
    if (outage !== undefined) throw outage;
  };
  /** A call answers in a microtask; during failAll in the next turn of the event loop, as a refused connection does,
   * so a caller retrying as fast as it fails spins through timers instead of starving them. */
  const settle = (): Promise<void> => (outage === undefined ? Promise.resolve() : new Promise((r) => setImmediate(r)));
  const rel = (root: string, p: string): string => (p.startsWith(`${root}/`) ? p.slice(root.length + 1) : p);

  const result = (previous: HashManifest, rels: readonly string[]): SyncResult => {
    const manifest = new Map<string, ManifestEntry>(previous);
    const put: string[] = [];
    for (const r of rels) {
      if (refused.has(r)) continue;
      counter += 1;
      manifest.set(r, { kind: "file", hash: `fake-${counter}`, mode: 0o644, size: 0 });
      put.push(r);
    }
    const refusedList = rels.filter((r) => refused.has(r)).map((r) => ({ rel: r, reason: "refused by the fake syncer" }));
    return { manifest, put, deleted: [], unchanged: 0, refused: refusedList, bytes: 0, execs: put.length > 0 ? 1 : 0, ms: 0, phases: { scanMs: 0, tarMs: 0, execMs: 0 } };
  };

  return {
    calls,
    prepared,
    prepareFull(params) { prepared.push(params.localRoot); },
    failNext(message, transient = false) { failure = new SyncError(message, transient); },
    failAll(message, transient = false) { outage = new SyncError(message, transient); },
    recover() { outage = undefined; },
    refuse(rels) { refused = new Set(rels); },
    sync(params) {
      calls.push({ method: "sync", params });
      return settle().then(() => { take(); return result(params.previous, params.paths.map((p) => rel(params.localRoot, p))); });
    },
    fullSync(params) {
      calls.push({ method: "fullSync", params });
      return settle().then(() => { take(); return result(params.previous, [...params.previous.keys()]); });
    },
    putFiles(params) {
      calls.push({ method: "putFiles", params });
      return settle().then(() => { take(); return result(new Map(), params.files.map((f) => f.name)); });
    },
    reconcile(params): Promise<DriftRepairResult> {
      calls.push({ method: "reconcile", params });
      return settle().then(() => {
        take();
        return { ...result(params.previous, [...params.previous.keys()]), drift: { missing: [], changed: [] } };
      });
    },
  };
};
