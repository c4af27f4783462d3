/**
 * Registry credentials for registry delivery, from the Docker credential config (~/.docker/config.json, or
 * $DOCKER_CONFIG/config.json) as `docker login` leaves it, and what the cluster then needs to pull: a
 * kubernetes.io/dockerconfigjson Secret in the namespace and imagePullSecrets on the pods that run the registry's
 * images. Pure: adapters/docker-credentials.ts reads the file and runs a credential helper.
 */
import { Labels, MANAGED_BY } from "../translate/labels.js";
import type { KubeManifest } from "../translate/types.js";

/** The Secret devloop puts in a namespace whose pods pull from an authenticated registry. */
export const PULL_SECRET_NAME = "devloop-registry";

/** The registry's host[:port] as the config keys it: "127.0.0.1:5000/team" → "127.0.0.1:5000". */
export const registryHost = (registry: string): string => {
  const host = registry.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "";
  return host === "docker.io" || host === "registry-1.docker.io" ? "index.docker.io" : host;
};

export type CredentialSource =
  | { readonly kind: "inline"; readonly username: string; readonly password: string }
  | { readonly kind: "token"; readonly identitytoken: string }
  | { readonly kind: "helper"; readonly helper: string };

interface AuthEntry {
  readonly auth?: unknown;
  readonly username?: unknown;
  readonly password?: unknown;
  readonly identitytoken?: unknown;
}

const record = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** A config key ("https://index.docker.io/v1/", "http://r:5000", "r:5000") → its host. */
const keyHost = (key: string): string => registryHost(key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, ""));

/**
 * Where the credentials for `host` are, as the Docker CLI looks: credHelpers[host], then auths[host] (auth =
 * base64 "user:password", or username/password, or identitytoken), then credsStore. Undefined: none (anonymous).
 */
export const credentialSource = (config: unknown, host: string): CredentialSource | undefined => {
  const c = record(config);
  const helpers = record(c["credHelpers"]);
  for (const [key, helper] of Object.entries(helpers)) {
    if (keyHost(key) === host && str(helper) !== undefined) return { kind: "helper", helper: helper as string };
  }
  const auths = record(c["auths"]);
  for (const [key, value] of Object.entries(auths)) {
    if (keyHost(key) !== host) continue;
    const entry = record(value) as AuthEntry;
    const token = str(entry.identitytoken);
    if (token !== undefined) return { kind: "token", identitytoken: token };
    const auth = str(entry.auth);
    if (auth !== undefined) {
      const decoded = Buffer.from(auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) return { kind: "inline", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    const username = str(entry.username);
    const password = str(entry.password);
    if (username !== undefined && password !== undefined) return { kind: "inline", username, password };
  }
  const store = str(c["credsStore"]);
  return store === undefined ? undefined : { kind: "helper", helper: store };
};

/** What a credential helper's `get` printed ({"ServerURL","Username","Secret"}) → credentials; "<token>" = an identity token. */
export type ResolvedCredentials = Exclude<CredentialSource, { readonly kind: "helper" }>;

export const helperCredentials = (output: string): ResolvedCredentials | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return undefined;
  }
  const username = str(record(parsed)["Username"]);
  const secret = str(record(parsed)["Secret"]);
  if (secret === undefined) return undefined;
  if (username === "<token>") return { kind: "token", identitytoken: secret };
  return username === undefined ? undefined : { kind: "inline", username, password: secret };
};

/** The .dockerconfigjson a pull Secret carries for `host`. */
export const dockerConfigJson = (host: string, credentials: { readonly username: string; readonly password: string }): string =>
  JSON.stringify({
    auths: {
      [host]: { username: credentials.username, password: credentials.password, auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64") },
    },
  });

const POD_TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"]);

type Json = Record<string, unknown>;

const podSpecOf = (m: KubeManifest): Json | undefined => {
  const spec = record((m as unknown as Json)["spec"]);
  if (m.kind === "Pod") return spec;
  if (!POD_TEMPLATE_KINDS.has(m.kind)) return undefined;
  return record(record(spec["template"])["spec"]);
};

const usesRegistry = (podSpec: Json, host: string): boolean =>
  ["containers", "initContainers"].some((k) => (Array.isArray(podSpec[k]) ? (podSpec[k] as unknown[]) : []).some((c) => (str(record(c)["image"]) ?? "").startsWith(`${host}/`)));

const withPodSpec = (m: KubeManifest, podSpec: Json): KubeManifest => {
  const whole = m as unknown as Json;
  const spec = record(whole["spec"]);
  if (m.kind === "Pod") return { ...whole, spec: podSpec } as unknown as KubeManifest;
  return { ...whole, spec: { ...spec, template: { ...record(spec["template"]), spec: podSpec } } } as unknown as KubeManifest;
};

/**
 * The manifests with the pull Secret: every pod (template) that runs an image from `host` gets
 * imagePullSecrets [devloop-registry] (kept with any it had), and each namespace where one does gets the Secret,
 * after the Namespace objects and before the workloads. Nothing changes when no pod uses the registry. The Secret
 * carries devloop's managed-by label and the project's label (that of the workload that needs it), so `down`
 * removes it with the project's other objects, and never a Secret of that name devloop did not create.
 */
export const withPullSecret = (manifests: readonly KubeManifest[], host: string, configJson: string): readonly KubeManifest[] => {
  const namespaces = new Map<string, string | undefined>();
  const out = manifests.map((m) => {
    const podSpec = podSpecOf(m);
    if (podSpec === undefined || !usesRegistry(podSpec, host)) return m;
    if (m.metadata.namespace !== undefined && namespaces.get(m.metadata.namespace) === undefined) namespaces.set(m.metadata.namespace, m.metadata.labels?.[Labels.project]);
    const existing = (Array.isArray(podSpec["imagePullSecrets"]) ? (podSpec["imagePullSecrets"] as unknown[]) : []).map(record);
    if (existing.some((s) => s["name"] === PULL_SECRET_NAME)) return m;
    return withPodSpec(m, { ...podSpec, imagePullSecrets: [...existing, { name: PULL_SECRET_NAME }] });
  });
  if (namespaces.size === 0) return manifests;
  const secrets = [...namespaces].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, project]) => ({
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: { name: PULL_SECRET_NAME, namespace, labels: { [Labels.managedBy]: MANAGED_BY, ...(project === undefined ? {} : { [Labels.project]: project }) } },
    data: { ".dockerconfigjson": Buffer.from(configJson).toString("base64") },
  })) as unknown as KubeManifest[];
  // After the Namespace objects (a Secret needs its namespace), before every workload that names it.
  const at = out.reduce((last, m, i) => (m.kind === "Namespace" ? i + 1 : last), 0);
  return [...out.slice(0, at), ...secrets, ...out.slice(at)];
};
