/**
 * The engine's projects persisted atomically (temp file + rename, 0600) so a restarted daemon resumes:
 * same requests, same applied hashes (nothing re-applied or duplicated), same namespaces (nothing orphaned).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { ProjectState } from "../engine/state.js";

interface StateFileV1 {
  readonly version: 1;
  readonly projects: readonly ProjectState[];
}

/** Only what must survive a restart: what the watch sees is rebuilt by a relist. */
const persisted = (p: ProjectState): ProjectState => {
  const units = Object.fromEntries(
    Object.entries(p.units).map(([name, u]) => {
      const { applyingHash: _a, retryAt: _r, ...rest } = u;
      return [name, { ...rest, failures: 0 }];
    }),
  );
  return { ...p, units, objects: {}, portForwards: {} };
};

/** Writes unless the content equals `previous`; returns what is on disk now. */
export const writeStateFile = (path: string, projects: readonly ProjectState[], previous?: string): string => {
  const body: StateFileV1 = { version: 1, projects: projects.map(persisted) };
  const json = JSON.stringify(body);
  if (json === previous) return json;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, json, { mode: 0o600 });
  renameSync(temp, path);
  return json;
};

export const readStateFile = (path: string): readonly ProjectState[] => {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const parsed = JSON.parse(text) as Partial<StateFileV1>;
  return parsed.version === 1 && Array.isArray(parsed.projects) ? (parsed.projects as readonly ProjectState[]) : [];
};
