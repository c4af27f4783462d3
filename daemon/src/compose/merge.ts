/**
 * Stage 3: merge override files into the base, per the compose-spec merge rules (compose-go override.go):
 *
 * | path                                                  | rule                                          |
 * |-------------------------------------------------------|-----------------------------------------------|
 * | any mapping                                           | merged key by key, the override wins          |
 * | any other sequence                                    | appended                                      |
 * | services.*.command / entrypoint / healthcheck.test    | replaced                                      |
 * | services.*.environment / labels / annotations / sysctls, build.args / build.labels, deploy.labels | list or map, merged as a map |
 * | services.*.extra_hosts                                | merged by host                                |
 * | services.*.depends_on / networks                      | list or map, merged as a map                  |
 * | services.*.ports                                      | merged by host ip + published + target + protocol |
 * | services.*.volumes                                    | merged by target                              |
 * | services.*.secrets / configs                          | merged by target (the source when no target)  |
 * | services.*.expose / cap_add / cap_drop / dns / dns_search / dns_opt / env_file / tmpfs / profiles / devices / security_opt, build.tags, networks.*.aliases | appended without duplicates |
 * | services.*.build (string)                             | treated as {context: …}                       |
 * | `!reset` value                                        | removes the key; `!override` replaces without merging |
 */
import type { LEntry, LMap, LNode, LSeq } from "./located.js";
import { isMap, makeMap } from "./located.js";
import { listToMap, type ListStyle } from "./list-to-map.js";

const REPLACED = new Set(["services.*.command", "services.*.entrypoint", "services.*.healthcheck.test"]);

const AS_MAP: Readonly<Record<string, ListStyle>> = {
  "services.*.environment": "keyValue",
  "services.*.labels": "keyValue",
  "services.*.annotations": "keyValue",
  "services.*.sysctls": "keyValue",
  "services.*.build.args": "keyValue",
  "services.*.build.labels": "keyValue",
  "services.*.deploy.labels": "keyValue",
  "services.*.extra_hosts": "hostIp",
  "services.*.build.extra_hosts": "hostIp",
  "services.*.depends_on": "names",
  "services.*.networks": "names",
  "volumes.*.labels": "keyValue",
  "networks.*.labels": "keyValue",
};

const str = (n: LNode | undefined): string => (n?.kind === "scalar" && n.value !== null ? String(n.value) : "");

const portKey = (n: LNode): string => {
  if (n.kind === "map") {
    const m = n.entries;
    return `${str(m.get("host_ip")?.value)}:${str(m.get("published")?.value)}:${str(m.get("target")?.value)}/${str(m.get("protocol")?.value) || "tcp"}`;
  }
  const s = str(n);
  return s.includes("/") ? s : `${s}/tcp`;
};

const volumeKey = (n: LNode): string => {
  if (n.kind === "map") return str(n.entries.get("target")?.value);
  const parts = str(n).split(":");
  return parts.length >= 2 ? (parts[1] ?? "") : (parts[0] ?? "");
};

/** Secrets and configs are unique by target; a short entry or one without target targets its source name. */
const fileRefKey = (n: LNode): string => (n.kind === "map" ? str(n.entries.get("target")?.value) || str(n.entries.get("source")?.value) : str(n));
const envFileKey = (n: LNode): string => (n.kind === "map" ? str(n.entries.get("path")?.value) : str(n));

const UNIQUE: Readonly<Record<string, (n: LNode) => string>> = {
  "services.*.ports": portKey,
  "services.*.volumes": volumeKey,
  "services.*.secrets": fileRefKey,
  "services.*.configs": fileRefKey,
  "services.*.env_file": envFileKey,
  "services.*.expose": str,
  "services.*.cap_add": str,
  "services.*.cap_drop": str,
  "services.*.dns": str,
  "services.*.dns_search": str,
  "services.*.dns_opt": str,
  "services.*.tmpfs": str,
  "services.*.profiles": str,
  "services.*.devices": str,
  "services.*.security_opt": str,
  "services.*.build.tags": str,
  "services.*.networks.*.aliases": str,
};

/** Mappings whose keys are names (so their children share one rule pattern). */
const NAMED = new Set(["services", "volumes", "networks", "secrets", "configs", "services.*.depends_on", "services.*.networks", "services.*.ulimits"]);

export const childPattern = (pattern: string, key: string): string =>
  NAMED.has(pattern) ? `${pattern}.*` : pattern === "" ? key : `${pattern}.${key}`;

const mergeUnique = (base: LSeq, over: LSeq, key: (n: LNode) => string, pattern: string): LSeq => {
  const items = [...base.items];
  const index = new Map<string, number>();
  items.forEach((item, i) => index.set(key(item), i));
  for (const item of over.items) {
    const k = key(item);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, items.length);
      items.push(item);
    } else {
      const prev = items[at] as LNode;
      items[at] = prev.kind === "map" && item.kind === "map" && item.tag === undefined ? mergeMaps(prev, item, `${pattern}[]`) : item;
    }
  }
  return { kind: "seq", items, loc: over.loc };
};

const asMapFor = (node: LNode, style: ListStyle | undefined): LNode =>
  style !== undefined && node.kind === "seq" ? listToMap(node, style) : node;

const asBuildMap = (node: LNode): LNode =>
  node.kind === "scalar" ? makeMap([{ key: "context", keyLoc: node.loc, value: node }], node.loc) : node;

/** Merges `over` onto `base`; undefined means the key is removed (`!reset`). */
export const mergeNode = (base: LNode | undefined, over: LNode, pattern: string): LNode | undefined => {
  if (over.tag === "reset") return undefined;
  if (over.tag === "override" || base === undefined || REPLACED.has(pattern)) return over;
  const style = AS_MAP[pattern];
  let b = asMapFor(base, style);
  let o = asMapFor(over, style);
  if (pattern === "services.*.build") {
    b = asBuildMap(b);
    o = asBuildMap(o);
  }
  if (b.kind === "map" && o.kind === "map") return mergeMaps(b, o, pattern);
  if (b.kind === "seq" && o.kind === "seq") {
    const unique = UNIQUE[pattern];
    if (unique) return mergeUnique(b, o, unique, pattern);
    return { kind: "seq", items: [...b.items, ...o.items], loc: o.loc };
  }
  return o;
};

export const mergeMaps = (base: LMap, over: LMap, pattern: string): LMap => {
  const entries = new Map<string, LEntry>(base.entries);
  for (const [key, e] of over.entries) {
    const merged = mergeNode(entries.get(key)?.value, e.value, childPattern(pattern, key));
    if (merged === undefined) entries.delete(key);
    else entries.set(key, merged === e.value ? e : { key, keyLoc: e.keyLoc, value: merged });
  }
  return { kind: "map", entries, loc: base.loc };
};

/** Removes `!reset` entries and tag marks left in a tree that was not merged onto anything; shares untouched subtrees. */
export const dropMergeTags = (node: LNode): LNode | undefined => {
  if (node.tag === "reset") return undefined;
  if (node.kind === "scalar") return node.tag === undefined ? node : { kind: "scalar", value: node.value, loc: node.loc, ...(node.raw === undefined ? {} : { raw: node.raw }) };
  let changed = node.tag !== undefined;
  if (node.kind === "seq") {
    const items: LNode[] = [];
    for (const item of node.items) {
      const out = dropMergeTags(item);
      if (out !== item) changed = true;
      if (out !== undefined) items.push(out);
    }
    return changed ? { kind: "seq", items, loc: node.loc } : node;
  }
  let entries: Map<string, LEntry> | undefined;
  for (const [k, e] of node.entries) {
    const out = dropMergeTags(e.value);
    if (out === e.value) continue;
    entries ??= new Map(node.entries);
    if (out === undefined) entries.delete(k);
    else entries.set(k, { ...e, value: out });
  }
  if (entries) changed = true;
  return changed ? { kind: "map", entries: entries ?? node.entries, loc: node.loc } : node;
};

/** Merges the files in order: each later file overrides the result so far. */
export const mergeOverrides = (files: readonly LMap[]): LMap | undefined => {
  let result: LMap | undefined;
  for (const file of files) result = result === undefined ? file : mergeMaps(result, file, "");
  if (result === undefined) return undefined;
  const cleaned = dropMergeTags(result);
  return isMap(cleaned) ? cleaned : undefined;
};
