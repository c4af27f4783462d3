/**
 * Which of devloop's pushed images a registry keeps (registry delivery pushes a content-hash tag for every change of
 * a build's inputs, so a service's repository only grows). Pure: the engine lists a repository through the
 * RegistryStore port and deletes what this plan says (engine/registry-retention.ts).
 *
 * Policy, per repository (<registry>/<project>-<service>):
 *   - only devloop's own content-hash tags (dl-<hash>) are candidates; any other tag is the developer's and stays;
 *   - the newest `keep` of them (by the image's creation time) stay, and so does every tag a project of this daemon
 *     runs now, and every tag whose creation time is unknown;
 *   - an image (manifest digest) is deleted only when every tag pointing at it may go.
 * Deleting a manifest frees no disk by itself: the registry's garbage collection (`registry garbage-collect`, the
 * registry operator's job) removes the unreferenced layers.
 */

/** Content-hash tags kept per repository unless DEVLOOP_REGISTRY_KEEP says otherwise (0: never delete). */
export const DEFAULT_REGISTRY_KEEP = 10;

export interface RegistryTag {
  readonly tag: string;
  /** The manifest digest the tag points at ("sha256:…"). */
  readonly digest: string;
  /** When the image was created (its config's `created`), ms since epoch; undefined when unknown. */
  readonly created?: number;
}

export interface RetentionPlan {
  /** Digests to delete, each with the tags that point at it. */
  readonly remove: readonly { readonly digest: string; readonly tags: readonly string[] }[];
  readonly kept: readonly string[];
}

const devloopTag = (tag: string): boolean => /^dl-[0-9a-f]+$/.test(tag);

export const planRetention = (tags: readonly RegistryTag[], options: { readonly keep: number; readonly inUse: ReadonlySet<string> }): RetentionPlan => {
  if (options.keep <= 0) return { remove: [], kept: tags.map((t) => t.tag) };
  const candidates = tags
    .filter((t) => devloopTag(t.tag) && t.created !== undefined)
    .sort((a, b) => (b.created ?? 0) - (a.created ?? 0) || a.tag.localeCompare(b.tag));
  const goes = new Set(candidates.slice(options.keep).filter((t) => !options.inUse.has(t.tag)).map((t) => t.tag));
  const byDigest = new Map<string, string[]>();
  for (const t of tags) byDigest.set(t.digest, [...(byDigest.get(t.digest) ?? []), t.tag]);
  const remove = [...byDigest].filter(([, names]) => names.every((n) => goes.has(n))).map(([digest, names]) => ({ digest, tags: names.sort() }));
  const removed = new Set(remove.flatMap((r) => r.tags));
  return { remove, kept: tags.map((t) => t.tag).filter((t) => !removed.has(t)) };
};

/** "127.0.0.1:5000/team/shop-web:dl-0123" → host, repository name, tag; undefined when it is not under `registry`. */
export const registryImage = (registry: string, ref: string): { readonly host: string; readonly name: string; readonly tag: string } | undefined => {
  const base = registry.replace(/\/+$/, "");
  if (!ref.startsWith(`${base}/`)) return undefined;
  const slash = base.indexOf("/");
  const host = slash === -1 ? base : base.slice(0, slash);
  const rest = ref.slice(host.length + 1);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0 || rest.includes("@")) return undefined;
  return { host, name: rest.slice(0, colon), tag: rest.slice(colon + 1) };
};
