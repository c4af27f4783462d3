/**
 * The engine's projects persisted atomically (temp file + rename, 0600) so a restarted daemon resumes:
 * same requests, same applied hashes (nothing re-applied or duplicated), same namespaces (nothing orphaned).
 *
 * state.json holds no secret: of the caller's environment only the variables the project referred to, and of those
 * the secret ones (a secret-looking name, or a value that went into a Secret) go to state.secrets.json beside it —
 * 0600 in the 0700 state directory, like the token — so a resumed project gets its password back while state.json
 * can be read, shared or attached to a bug report. Secrets themselves are kept without their data.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isSecretName } from "../image/secret-patterns.js";
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

/**
 * The last good load without the values of its Secrets, nor its translation view (large, and only shown): a reload
 * after a restart computes them again.
 */
const withoutSecretValues = ({ translation: _t, ...loaded }: LoadedProject): LoadedProject => ({
  ...loaded,
  manifests: loaded.manifests.map((m) => {
    if (m.kind !== "Secret") return m;
    const { stringData: _s, data: _d, ...rest } = m as KubeManifest & { stringData?: unknown; data?: unknown };
    return rest;
  }),
});

/**
 * Of the caller's environment, only the variables the last good load referred to (LoadedProject.variables) and the
 * COMPOSE_* / DEVLOOP_* ones; split into the plain ones (state.json) and the secret ones (state.secrets.json): a
 * secret-looking name, a value that went into a Secret, or the source of an environment build secret. .env and env_file values are read from disk again.
 */
const splitEnvironment = (p: ProjectState): { plain: Record<string, string>; secret: Record<string, string> } => {
  const referenced = new Set(p.loaded?.variables ?? []);
  const secrets = new Set((p.loaded?.manifests ?? []).filter((m) => m.kind === "Secret").flatMap(secretData));
  // A build secret read from the environment (secrets: x: environment: VAR) never goes into state.json either.
  const buildSecrets = new Set(Object.values(p.loaded?.buildRequests ?? {}).flatMap((r) => (r.secrets ?? []).flatMap((x) => (x.environment === undefined ? [] : [x.environment]))));
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.request.options.environment)) {
    if (value === undefined || !(referenced.has(name) || controlVariable.test(name))) continue;
    if (isSecretName(name) || secrets.has(value) || buildSecrets.has(name)) secret[name] = value;
    else plain[name] = value;
  }
  return { plain, secret };
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
  const request = { ...p.request, options: { ...p.request.options, environment: splitEnvironment(p).plain } };
  return { ...p, request, units, objects: {}, portForwards: {}, ...(p.loaded ? { loaded: withoutSecretValues(p.loaded) } : {}) };
};

/** state.json → state.secrets.json */
export const secretsFileOf = (path: string): string => path.replace(/(\.json)?$/, ".secrets.json");

const writeAtomically = (path: string, text: string): void => {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
};

/** Writes unless the content equals `previous`; returns what is on disk now (both files, as one opaque string). */
export const writeStateFile = (path: string, projects: readonly ProjectState[], previous?: string): string => {
  const body: StateFileV1 = { version: 1, projects: projects.map(persisted) };
  const environment: Record<string, Record<string, string>> = {};
  for (const p of projects) {
    const { secret } = splitEnvironment(p);
    if (Object.keys(secret).length > 0) environment[p.name] = secret;
  }
  const json = JSON.stringify(body);
  const secretsJson = Object.keys(environment).length === 0 ? "" : JSON.stringify({ version: 1, environment } satisfies SecretsFileV1);
  const both = `${json}\n${secretsJson}`;
  if (both === previous) return both;
  // The secrets first: a state.json never names variables its secrets file lacks.
  if (secretsJson === "") rmSync(secretsFileOf(path), { force: true });
  else writeAtomically(secretsFileOf(path), secretsJson);
  writeAtomically(path, json);
  return both;
};

interface SecretsFileV1 {
  readonly version: 1;
  /** Project → the secret variables of its request's environment. */
  readonly environment: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const readSecrets = (path: string): SecretsFileV1["environment"] => {
  try {
    const parsed = JSON.parse(readFileSync(secretsFileOf(path), "utf8")) as Partial<SecretsFileV1>;
    return parsed.version === 1 && typeof parsed.environment === "object" && parsed.environment !== null ? parsed.environment : {};
  } catch {
    return {};
  }
};

export const readStateFile = (path: string): readonly ProjectState[] => {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const parsed = JSON.parse(text) as Partial<StateFileV1>;
  if (parsed.version !== 1 || !Array.isArray(parsed.projects)) return [];
  const secrets = readSecrets(path);
  return (parsed.projects as readonly ProjectState[]).map((p) => {
    const mine = secrets[p.name];
    return mine === undefined ? p : { ...p, request: { ...p.request, options: { ...p.request.options, environment: { ...p.request.options.environment, ...mine } } } };
  });
};
