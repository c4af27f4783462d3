/**
 * The RegistryStore (ports/registry-store.ts) over the Docker Registry HTTP API v2: GET /v2/<name>/tags/list,
 * GET /v2/<name>/manifests/<tag> (Docker-Content-Digest) and the image config blob for its `created` time,
 * DELETE /v2/<name>/manifests/<digest>. A loopback registry is spoken to over http (as the Docker engine does without
 * an insecure-registries entry), any other over https. Credentials are the Docker config's (basic auth, or a bearer
 * token from the registry's token service when it asks for one); none: anonymous. A registry that does not allow
 * deletes answers 405: the error says what its operator sets.
 */

import type { RegistryTag } from "../build/registry-retention.js";
import type { RegistryRepository, RegistryStore } from "../ports/registry-store.js";

export interface RegistryHttpParams {
  /** The Docker config's username and password for a registry host, if any. */
  readonly credentials?: (host: string) => { readonly username?: string; readonly password?: string } | undefined;
  readonly fetch?: typeof fetch;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

const loopback = (host: string): boolean => /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/.test(host);

export const registryBaseUrl = (host: string): string => `${loopback(host) ? "http" : "https"}://${host}`;

/** `Bearer realm="https://auth.example/token",service="registry.example",scope="…"` → its parameters. */
export const bearerChallenge = (header: string | null): Readonly<Record<string, string>> | undefined => {
  if (header === null || !/^bearer\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) if (m[1] !== undefined && m[2] !== undefined) out[m[1].toLowerCase()] = m[2];
  return out["realm"] === undefined ? undefined : out;
};

/** The next page of a tags list from its Link header (`</v2/x/tags/list?n=100&last=b>; rel="next"`). */
const nextLink = (header: string | null): string | undefined => (header === null ? undefined : /<([^>]+)>;\s*rel="?next"?/.exec(header)?.[1]);

export const createRegistryHttpStore = (params: RegistryHttpParams = {}): RegistryStore => {
  const doFetch = params.fetch ?? fetch;
  const timeoutMs = params.timeoutMs ?? 10_000;
  const tokens = new Map<string, string>();

  const basic = (host: string): string | undefined => {
    const c = params.credentials?.(host);
    return c?.username === undefined || c.password === undefined ? undefined : `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
  };

  const request = async (repository: RegistryRepository, path: string, init: { method?: string; accept?: string } = {}): Promise<Response> => {
    const url = path.startsWith("http") ? path : `${registryBaseUrl(repository.host)}${path}`;
    const scope = `repository:${repository.name}:pull,delete`;
    const send = (authorization: string | undefined): Promise<Response> =>
      doFetch(url, {
        method: init.method ?? "GET",
        headers: { ...(init.accept === undefined ? {} : { Accept: init.accept }), ...(authorization === undefined ? {} : { Authorization: authorization }) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    const key = `${repository.host} ${scope}`;
    const cached = tokens.get(key);
    const res = await send(cached === undefined ? basic(repository.host) : `Bearer ${cached}`);
    if (res.status !== 401) return res;
    const challenge = bearerChallenge(res.headers.get("www-authenticate"));
    if (challenge === undefined) return res;
    const tokenUrl = new URL(challenge["realm"] ?? "");
    if (challenge["service"] !== undefined) tokenUrl.searchParams.set("service", challenge["service"]);
    tokenUrl.searchParams.set("scope", scope);
    const auth = basic(repository.host);
    const tokenRes = await doFetch(tokenUrl, { headers: auth === undefined ? {} : { Authorization: auth }, signal: AbortSignal.timeout(timeoutMs) });
    if (!tokenRes.ok) throw new Error(`the registry's token service ${tokenUrl.origin} answered ${tokenRes.status}`);
    const body = (await tokenRes.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token === undefined) throw new Error(`the registry's token service ${tokenUrl.origin} gave no token`);
    tokens.set(key, token);
    return send(`Bearer ${token}`);
  };

  const fail = (what: string, res: Response): Error => new Error(`${what} answered ${res.status} ${res.statusText}`.trim());

  const tagNames = async (repository: RegistryRepository): Promise<string[]> => {
    const names: string[] = [];
    let path: string | undefined = `/v2/${repository.name}/tags/list`;
    while (path !== undefined) {
      const res = await request(repository, path);
      if (res.status === 404) return names;
      if (!res.ok) throw fail(`GET ${path}`, res);
      names.push(...(((await res.json()) as { tags?: string[] | null }).tags ?? []));
      path = nextLink(res.headers.get("link"));
    }
    return names;
  };

  const describe = async (repository: RegistryRepository, tag: string): Promise<RegistryTag | undefined> => {
    const res = await request(repository, `/v2/${repository.name}/manifests/${tag}`, { accept: MANIFEST_TYPES });
    if (res.status === 404) return undefined;
    if (!res.ok) throw fail(`GET /v2/${repository.name}/manifests/${tag}`, res);
    const digest = res.headers.get("docker-content-digest");
    if (digest === null) throw new Error(`GET /v2/${repository.name}/manifests/${tag} gave no Docker-Content-Digest`);
    const manifest = (await res.json()) as { config?: { digest?: string } };
    const config = manifest.config?.digest;
    if (config === undefined) return { tag, digest };
    const blob = await request(repository, `/v2/${repository.name}/blobs/${config}`);
    if (!blob.ok) return { tag, digest };
    const created = Date.parse(((await blob.json()) as { created?: string }).created ?? "");
    return { tag, digest, ...(Number.isNaN(created) ? {} : { created }) };
  };

  return {
    async list(repository) {
      const out: RegistryTag[] = [];
      for (const tag of await tagNames(repository)) {
        const found = await describe(repository, tag);
        if (found !== undefined) out.push(found);
      }
      return out;
    },
    async deleteManifest(repository, digest) {
      const path = `/v2/${repository.name}/manifests/${digest}`;
      const res = await request(repository, path, { method: "DELETE" });
      if (res.ok || res.status === 404) return;
      if (res.status === 405) throw new Error(`${repository.host} does not allow deleting images (DELETE ${path} answered 405); its operator allows it with storage.delete.enabled: true`);
      throw fail(`DELETE ${path}`, res);
    },
  };
};
