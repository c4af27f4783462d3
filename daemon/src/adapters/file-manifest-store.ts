/**
 * The ManifestStore as files: `<state dir>/sync/<project>.json` holds `{ ruleId: { path: entry } }`, written 0600 by a
 * temporary file and a rename, at most once per `delayMs` per project (edits arrive in bursts; the last manifest wins).
 * A file that cannot be read or parsed is treated as none: the next reconcile lists the pod, as before manifests were kept.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ManifestStore } from "../ports/manifest-store.js";
import type { HashManifest, ManifestEntry } from "../sync/hash-manifest.js";
import { manifestFromJson, manifestToJson } from "../sync/hash-manifest.js";

const fileName = (project: string): string => `${encodeURIComponent(project)}.json`;

export const createFileManifestStore = (params: { readonly dir: string; readonly delayMs?: number; readonly onError?: (message: string) => void }): ManifestStore => {
  const delayMs = params.delayMs ?? 1_000;
  const known = new Map<string, Map<string, HashManifest>>();
  const timers = new Map<string, NodeJS.Timeout>();
  let writing: Promise<void> = Promise.resolve();

  const write = async (project: string): Promise<void> => {
    timers.delete(project);
    const rules = known.get(project);
    if (rules === undefined) return;
    const body = JSON.stringify(Object.fromEntries([...rules].map(([id, m]) => [id, manifestToJson(m)])));
    const file = path.join(params.dir, fileName(project));
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(params.dir, { recursive: true, mode: 0o700 });
      await writeFile(temp, body, { mode: 0o600 });
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      params.onError?.(`cannot keep the sync manifests of ${project}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const schedule = (project: string): void => {
    if (timers.has(project)) return;
    const timer = setTimeout(() => { writing = writing.then(() => write(project)); }, delayMs);
    timer.unref();
    timers.set(project, timer);
  };

  return {
    async load(project) {
      const own = known.get(project);
      if (own !== undefined) return new Map(own);
      try {
        const json = JSON.parse(await readFile(path.join(params.dir, fileName(project)), "utf8")) as Record<string, Record<string, ManifestEntry>>;
        const rules = new Map(Object.entries(json).map(([id, m]) => [id, manifestFromJson(m)]));
        known.set(project, rules);
        return new Map(rules);
      } catch {
        return new Map();
      }
    },
    save(project, ruleId, manifest) {
      const rules = known.get(project) ?? new Map<string, HashManifest>();
      rules.set(ruleId, manifest);
      known.set(project, rules);
      schedule(project);
    },
    drop(project) {
      clearTimeout(timers.get(project));
      timers.delete(project);
      known.delete(project);
      writing = writing.then(() => rm(path.join(params.dir, fileName(project)), { force: true }));
    },
    async flush() {
      for (const [project, timer] of [...timers]) {
        clearTimeout(timer);
        writing = writing.then(() => write(project));
      }
      await writing;
    },
  };
};
