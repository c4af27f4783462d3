/**
 * What the live loop knows each target holds (engine/controllers/sync-controller.ts), as one named state object:
 *
 * - per pod and rule, the hash manifest of what that pod's target holds (the `previous` of its next sync, and what a
 *   pull-back compares the container's files with);
 * - per rule, the last manifest any pod got (`latest`): the `previous` of a reconcile, what may need deleting in a
 *   pod devloop has not synced yet. It is saved to the ManifestStore (adapters/file-manifest-store.ts) under the
 *   rule's store key, loaded by a new daemon, journaled before a batch is sent, and dropped on down.
 */
import type { ManifestStore } from "../../ports/manifest-store.js";
import type { HashManifest } from "../../sync/hash-manifest.js";
import { emptyManifest } from "../../sync/hash-manifest.js";
import type { LiveRule } from "../../translate/types.js";

/** A rule's key in the ManifestStore: its id with its roots, so an edited compose file never lends one rule another's. */
export const storeKey = (rule: LiveRule): string => `${rule.id} ${rule.localRoot} -> ${rule.targetDir ?? ""}`;

export interface ManifestBook {
  /** What the pod's target of the rule holds, when known. */
  of(pod: string, ruleId: string): HashManifest | undefined;
  /** The pod's target now holds `manifest`: kept for the pod, and as the rule's latest (saved). */
  record(pod: string, rule: LiveRule, manifest: HashManifest): void;
  /** As record, but the pod's manifest is replaced only if it is still `previous` (a sync ran meanwhile: it wins). */
  recordAfter(pod: string, rule: LiveRule, previous: HashManifest, manifest: HashManifest): void;
  /** The last manifest any pod got for the rule (empty when none): what a reconcile may need to delete. */
  latest(ruleId: string): HashManifest;
  /** A batch failed midway: its paths may be in a pod, so the rule's latest counts them (a later local delete is applied). */
  mayHold(ruleId: string, rels: readonly string[]): void;
  /** On disk before a batch is sent (the store's journal); call the result once the batch's manifests are recorded. */
  intend(rule: LiveRule, rels: readonly string[]): (() => void) | undefined;
  /** What an earlier daemon saved for these rules, as their latest (unless a pod got one already). */
  load(rules: readonly LiveRule[]): Promise<void>;
  /** Forgets what these pods hold (they stopped running, or are gone). */
  forgetPods(pods: (pod: string) => boolean): void;
  /** Down: nothing of the project runs any more, so nothing it synced needs remembering. */
  drop(): void;
}

export const createManifestBook = (project: string, store: ManifestStore | undefined): ManifestBook => {
  /** `${pod}\0${ruleId}` → what that pod's target holds. */
  const pods = new Map<string, HashManifest>();
  const latest = new Map<string, HashManifest>();
  const key = (pod: string, ruleId: string): string => `${pod}\0${ruleId}`;
  const remember = (rule: LiveRule, manifest: HashManifest): void => {
    latest.set(rule.id, manifest);
    store?.save(project, storeKey(rule), manifest);
  };
  return {
    of: (pod, ruleId) => pods.get(key(pod, ruleId)),
    record(pod, rule, manifest) {
      pods.set(key(pod, rule.id), manifest);
      remember(rule, manifest);
    },
    recordAfter(pod, rule, previous, manifest) {
      if (pods.get(key(pod, rule.id)) === previous) pods.set(key(pod, rule.id), manifest);
      remember(rule, manifest);
    },
    latest: (ruleId) => latest.get(ruleId) ?? emptyManifest,
    mayHold(ruleId, rels) {
      const maybe = new Map(latest.get(ruleId) ?? emptyManifest);
      for (const rel of rels) if (!maybe.has(rel)) maybe.set(rel, { kind: "file", hash: "", mode: 0o644, size: 0 });
      latest.set(ruleId, maybe);
    },
    intend: (rule, rels) => store?.intend(project, storeKey(rule), rels),
    async load(rules) {
      const saved = await (store?.load(project) ?? Promise.resolve(new Map<string, HashManifest>()));
      for (const rule of rules) {
        const manifest = saved.get(storeKey(rule));
        if (manifest !== undefined && !latest.has(rule.id)) latest.set(rule.id, manifest);
      }
    },
    forgetPods(gone) {
      for (const k of [...pods.keys()]) if (gone(k.slice(0, k.indexOf("\0")))) pods.delete(k);
    },
    drop: () => store?.drop(project),
  };
};
