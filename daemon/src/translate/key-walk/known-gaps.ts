/**
 * What the compose schema walk (key-walk/*.test.ts, docs/adding-a-compose-key.md) knows: the places a key must be
 * handled, and the gaps left on purpose, each with its reason. A walk fails when a key misses a place not listed
 * here, and when an entry here is no longer needed, so the list stays true.
 */

/** Where a key must be handled (the walk's header tables say what each check is). */
export type Place = "sample" | "support" | "merge" | "to-compose-model" | "present-keys" | "translation-view";
export type Gaps = Partial<Record<Place, string>>;

const APPENDED = "a list compose-go appends too (it is not in compose-go's unique list, override/uncity.go): an override that repeats an entry keeps it twice, as docker compose does";

/** Service keys and build keys ("build.<key>"). */
export const KNOWN: Readonly<Record<string, Gaps>> = {
  develop: { merge: `develop.watch is ${APPENDED}` },
  extends: {
    merge: "extends is resolved in each file before the files are merged (as compose-go does), so an override can only extend a service of its own file; the sample's db is in the base file",
    "translation-view": "resolved by the loader: the service is the extended result, and its keys have the rows",
  },
  group_add: { merge: `group_add is ${APPENDED}` },
  post_start: { merge: `post_start is ${APPENDED}` },
  pre_stop: { merge: `pre_stop is ${APPENDED}` },
  volumes_from: { merge: `volumes_from is ${APPENDED}` },
  profiles: { "translation-view": "resolved by the loader: a disabled service is not rendered, so profiles becomes no Kubernetes field" },
  "build.cache_from": { merge: `build.cache_from is ${APPENDED}` },
  "build.cache_to": { merge: `build.cache_to is ${APPENDED}` },
  "build.entitlements": { merge: `build.entitlements is ${APPENDED}` },
  "build.no_cache_filter": { merge: `build.no_cache_filter is ${APPENDED}` },
  "build.platforms": { merge: `build.platforms is ${APPENDED}` },
  "build.secrets": { merge: `build.secrets is ${APPENDED}` },
  restart: { "translation-view": "a Deployment restarts its pods whatever restart says, so the row names no field (a Job's names restartPolicy and backoffLimit); the sample is a Deployment" },
};

/** Keys below a service key, as "<parent>.<key>" without "services.*." (items of a list KNOWN says is appended inherit that). */
export const SUB_KNOWN: Readonly<Record<string, Gaps>> = {
  "deploy.placement": { merge: `its constraints and preferences are each ${APPENDED}` },
  "deploy.placement.constraints": { merge: `deploy.placement.constraints is ${APPENDED}` },
  "deploy.placement.preferences": { merge: `deploy.placement.preferences is ${APPENDED}` },
};

/** Keys of the top-level resources and include entries ("volumes.*.name", "include[].path"). */
export const TOP_KNOWN: Readonly<Record<string, Gaps>> = {};

/** The known gaps of a key below a service key: its own, and the merge reason of the service key it belongs to. */
export const subKnown = (subKey: string): Gaps => {
  const top = subKey.split(/[.[]/)[0] ?? "";
  const parent = KNOWN[top]?.merge;
  return { ...(parent === undefined ? {} : { merge: `inherited from ${top}: ${parent}` }), ...SUB_KNOWN[subKey] };
};

/** The gaps a walk found that `known` does not explain, and the entries of `listed` that explain nothing now. */
export const judge = (gaps: Gaps, known: Gaps, listed: Gaps = known): { readonly unexplained: readonly string[]; readonly stale: readonly string[] } => ({
  unexplained: Object.entries(gaps).filter(([place]) => known[place as Place] === undefined).map(([place, what]) => `${place}: ${what}`),
  stale: Object.keys(listed).filter((place) => gaps[place as Place] === undefined),
});
