/**
 * What devloop last synced into each target (the hash manifest per rule), kept across daemon restarts (issue 15): a
 * file deleted locally while no daemon ran is deleted in the pod by the next reconcile, because the manifest says devloop
 * put it there (and the image did not). The real one is adapters/file-manifest-store.ts (a JSON file per project in the
 * state directory); fakes/fake-manifest-store.ts keeps them in memory.
 */
import type { HashManifest } from "../sync/hash-manifest.js";

export interface ManifestStore {
  /** Every rule's manifest saved for the project (rule id → manifest); empty when none. Never rejects. */
  load(project: string): Promise<ReadonlyMap<string, HashManifest>>;
  /** Remembers a rule's manifest; written soon after (coalesced), never blocking the caller. */
  save(project: string, ruleId: string, manifest: HashManifest): void;
  /**
   * Before a batch is sent: the paths it may put, kept on disk at once (a journal), so a daemon killed before the next
   * save still knows they may be in the pod (a later local delete is then applied). Call the returned function once the
   * batch's manifest is saved.
   */
  intend(project: string, ruleId: string, rels: readonly string[]): () => void;
  /** Forgets the project (down). */
  drop(project: string): void;
  /** Writes what is pending (daemon shutdown). */
  flush(): Promise<void>;
}
