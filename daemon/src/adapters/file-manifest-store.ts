/**
 * The ManifestStore as files: `<state dir>/sync/<project>.json` holds `{ ruleId: { path: entry } }`, written 0600 by a
 * temporary file and a rename, at most once per `delayMs` per project (edits arrive in bursts; the last manifest wins).
 * A file that cannot be read or parsed is treated as none: the next reconcile lists the pod, as before manifests were kept.
 *
 * Writes are coalesced, so a daemon killed within `delayMs` of a sync would forget what it just put. Before each batch
 * is sent, its paths are appended to `<project>.journal` (synchronously: a line of JSON); a load adds them to the rule's
 * manifest (hash unknown), so a file put just before a kill -9 and deleted locally afterwards is deleted in the pod too.
 * Each full write rewrites the journal without the batches its snapshot holds; those journaled meanwhile stay.
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ManifestStore } from "../ports/manifest-store.js";
import type { HashManifest, ManifestEntry } from "../sync/hash-manifest.js";
import { manifestFromJson, manifestToJson } from "../sync/hash-manifest.js";

const fileName = (project: string): string => `${encodeURIComponent(project)}.json`;
const journalName = (project: string): string => `${encodeURIComponent(project)}.journal`;

interface Intent {
  readonly rule: string;
  readonly rels: readonly string[];
}

export const createFileManifestStore = (params: { readonly dir: string; readonly delayMs?: number; readonly onError?: (message: string) => void }): ManifestStore => {
  const delayMs = params.delayMs ?? 1_000;
  const known = new Map<string, Map<string, HashManifest>>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Per project: batches whose paths are in the journal and whose manifest is not saved yet. */
  const inflight = new Map<string, Set<Intent>>();
  /** Per project: what the journal file holds, in order. */
  const journaled = new Map<string, Intent[]>();
  let writing: Promise<void> = Promise.resolve();

  const write = async (project: string): Promise<void> => {
    timers.delete(project);
    const rules = known.get(project);
    if (rules === undefined) return;
    const body = JSON.stringify(Object.fromEntries([...rules].map(([id, m]) => [id, manifestToJson(m)])));
    // The batches this snapshot holds: those whose manifests were recorded before it.
    const held = new Set((journaled.get(project) ?? []).filter((i) => inflight.get(project)?.has(i) !== true));
    const file = path.join(params.dir, fileName(project));
    const temp = `${file}.${process.pid}.tmp`;
    const journal = path.join(params.dir, journalName(project));
    try {
      await mkdir(params.dir, { recursive: true, mode: 0o700 });
      await writeFile(temp, body, { mode: 0o600 });
      await rename(temp, file);
      // What the snapshot holds leaves the journal; every other batch stays, those journaled while this write ran
      // included. Synchronous, so no intend() appends to the old journal between the list and the rename (it was lost
      // with it, and a daemon killed before the next write left a file in the pod that had been deleted locally).
      const rest = (journaled.get(project) ?? []).filter((i) => !held.has(i));
      journaled.set(project, rest);
      writeFileSync(`${journal}.tmp`, rest.map((i) => `${JSON.stringify(i)}\n`).join(""), { mode: 0o600 });
      renameSync(`${journal}.tmp`, journal);
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
      let rules = new Map<string, HashManifest>();
      try {
        const json = JSON.parse(await readFile(path.join(params.dir, fileName(project)), "utf8")) as Record<string, Record<string, ManifestEntry>>;
        rules = new Map(Object.entries(json).map(([id, m]) => [id, manifestFromJson(m)]));
      } catch {
        // none, or unreadable: as if none
      }
      const journal = await readFile(path.join(params.dir, journalName(project)), "utf8").catch(() => "");
      for (const line of journal.split("\n")) {
        let intent: Intent;
        try {
          intent = JSON.parse(line) as Intent;
        } catch {
          continue; // a torn last line
        }
        const m = new Map<string, ManifestEntry>(rules.get(intent.rule) ?? []);
        for (const rel of intent.rels) if (!m.has(rel)) m.set(rel, { kind: "file", hash: "", mode: 0o644, size: 0 });
        rules.set(intent.rule, m);
      }
      if (rules.size > 0) known.set(project, rules);
      return new Map(rules);
    },
    save(project, ruleId, manifest) {
      const rules = known.get(project) ?? new Map<string, HashManifest>();
      rules.set(ruleId, manifest);
      known.set(project, rules);
      schedule(project);
    },
    intend(project, ruleId, rels) {
      const intent: Intent = { rule: ruleId, rels };
      const set = inflight.get(project) ?? new Set<Intent>();
      set.add(intent);
      inflight.set(project, set);
      journaled.set(project, [...(journaled.get(project) ?? []), intent]);
      try {
        mkdirSync(params.dir, { recursive: true, mode: 0o700 });
        appendFileSync(path.join(params.dir, journalName(project)), `${JSON.stringify(intent)}\n`, { mode: 0o600 });
      } catch (error) {
        params.onError?.(`cannot journal a sync of ${project}: ${error instanceof Error ? error.message : String(error)}`);
      }
      return () => { set.delete(intent); };
    },
    drop(project) {
      inflight.delete(project);
      journaled.delete(project);
      clearTimeout(timers.get(project));
      timers.delete(project);
      known.delete(project);
      writing = writing.then(async () => {
        await rm(path.join(params.dir, fileName(project)), { force: true });
        await rm(path.join(params.dir, journalName(project)), { force: true });
      });
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
