/**
 * The engine's projects persisted atomically (temp file + rename, 0600) so a restarted daemon resumes:
 * same requests, same applied hashes (nothing re-applied or duplicated), same namespaces (nothing orphaned).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { isSecretName } from "../doctor/secret-patterns.js";
import type { ProjectState } from "../engine/state.js";
import type { LoadedProject } from "../ports/project-loader.js";
import type { KubeManifest } from "../translate/types.js";

interface StateFileV1 {
  readonly version: 1;
  readonly projects: readonly ProjectState[];
}

/** Names kept whatever the last load referred to: they choose files, the project name, profiles and the namespace. */
const controlVariable = /^(?:COMPOSE_[A-Z_]+|DEVLOOP_[A-Z_]+|HOME|USER)$/;

const secretData = (m: KubeManifest): readonly string[] => {
  const { stringData, data } = m as { stringData?: Record<string, string>; data?: Record<string, string> };
  return [...Object.values(stringData ?? {}), ...Object.values(data ?? {}).map((v) => Buffer.from(v, "base64").toString("utf8"))];
};

/** The last good load without the values of its Secrets (a reload after a restart computes them again). */
const withoutSecretValues = (loaded: LoadedProject): LoadedProject => ({
  ...loaded,
  manifests: loaded.manifests.map((m) => {
    if (m.kind !== "Secret") return m;
    const { stringData: _s, data: _d, ...rest } = m as KubeManifest & { stringData?: unknown; data?: unknown };
    return rest;
  }),
});

/**
 * Of the caller's environment, only the variables the last good load referred to (LoadedProject.variables) and the
 * COMPOSE_* / DEVLOOP_* ones — never a variable whose name looks secret or whose value went into a Secret. Those
 * come back with the next `devloop up`; .env and env_file values are read from disk again by the reload.
 */
const persistedEnvironment = (p: ProjectState): Readonly<Record<string, string>> => {
  const referenced = new Set(p.loaded?.variables ?? []);
  const secrets = new Set((p.loaded?.manifests ?? []).filter((m) => m.kind === "Secret").flatMap(secretData));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.request.options.environment)) {
    if (value === undefined || !(referenced.has(name) || controlVariable.test(name))) continue;
    if (isSecretName(name) || secrets.has(value)) continue;
    out[name] = value;
  }
  return out;
};

/** Only what must survive a restart: what the watch sees is rebuilt by a relist. */
const persisted = (p: ProjectState): ProjectState => {
  // Secrets are kept without their values: such a snapshot must never be applied, so until a reload computes the
  // manifests again (also when that reload is invalid) nothing counts as changed.
  const stripped = p.loaded?.manifests.some((m) => m.kind === "Secret") ?? false;
  const units = Object.fromEntries(
    Object.entries(p.units).map(([name, u]) => {
      const { applyingHash: _a, retryAt: _r, desiredHash, ...rest } = u;
      const desired = stripped ? rest.appliedHash : desiredHash;
      return [name, { ...rest, ...(desired === undefined ? {} : { desiredHash: desired }), failures: 0 }];
    }),
  );
  const request = { ...p.request, options: { ...p.request.options, environment: persistedEnvironment(p) } };
  return { ...p, request, units, objects: {}, portForwards: {}, ...(p.loaded ? { loaded: withoutSecretValues(p.loaded) } : {}) };
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
