/**
 * Lists that Compose also accepts as mappings (environment, labels, extra_hosts, depends_on, networks, build.args …),
 * converted to the mapping form with each item's location kept. Used by merge and normalise.
 */
import type { LEntry, LMap, LNode, LSeq } from "./located.js";
import { makeMap, scalar } from "./located.js";

export type ListStyle = "keyValue" | "hostIp" | "names";

/** Splits one list item; undefined when the item is not a string. */
export const splitListItem = (item: LNode, style: ListStyle): { key: string; value: string | null } | undefined => {
  if (item.kind !== "scalar" || item.value === null) return undefined;
  const text = String(item.value);
  if (style === "names") return { key: text, value: null };
  if (style === "hostIp") {
    const eq = text.indexOf("=");
    // host=ip, or host:ip where the ip part may itself contain colons (IPv6).
    const at = eq >= 0 ? eq : text.indexOf(":");
    return at < 0 ? { key: text, value: null } : { key: text.slice(0, at), value: text.slice(at + 1) };
  }
  const eq = text.indexOf("=");
  return eq < 0 ? { key: text, value: null } : { key: text.slice(0, eq), value: text.slice(eq + 1) };
};

export const listToMap = (seq: LSeq, style: ListStyle): LMap => {
  const entries: LEntry[] = [];
  for (const item of seq.items) {
    const kv = splitListItem(item, style);
    if (kv === undefined) continue;
    entries.push({ key: kv.key, keyLoc: item.loc, value: style === "names" ? makeMap([], item.loc) : scalar(kv.value, item.loc) });
  }
  return makeMap(entries, seq.loc, seq.tag);
};
