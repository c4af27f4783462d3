/** An in-memory ManifestStore for engine tests: `saved` is what a restarted daemon would load. */
import type { HashManifest } from "../../sync/hash-manifest.js";
import type { ManifestStore } from "../manifest-store.js";

export interface FakeManifestStore extends ManifestStore {
  readonly saved: Map<string, Map<string, HashManifest>>;
}

export const createFakeManifestStore = (initial: Readonly<Record<string, Readonly<Record<string, HashManifest>>>> = {}): FakeManifestStore => {
  const saved = new Map(Object.entries(initial).map(([p, rules]) => [p, new Map(Object.entries(rules))]));
  return {
    saved,
    load: (project) => Promise.resolve(new Map(saved.get(project) ?? [])),
    save(project, ruleId, manifest) {
      const rules = saved.get(project) ?? new Map<string, HashManifest>();
      rules.set(ruleId, manifest);
      saved.set(project, rules);
    },
    intend: () => () => undefined,
    drop(project) { saved.delete(project); },
    flush: () => Promise.resolve(),
  };
};
