/**
 * extra_hosts (services and build): a list of "host:ip" / "host=ip", or a mapping of host to one address or, as the
 * Compose spec allows (compose-spec.json definitions.extra_hosts), a list of addresses — one entry per address.
 */
import { joinPath, type LNode } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";

export const normalizeExtraHosts = (ctx: NormalizeContext, node: LNode | undefined, path: string): { host: string; ip: string }[] => {
  if (node?.kind !== "map" || ![...node.entries.values()].some((e) => e.value.kind === "seq")) {
    return [...(ctx.strMap(node, path, "hostIp") ?? [])].map(([host, { value }]) => ({ host, ip: value ?? "" }));
  }
  const out: { host: string; ip: string }[] = [];
  for (const [host, e] of node.entries) {
    const items = e.value.kind === "seq" ? e.value.items.map((item, i) => ({ item, at: joinPath(joinPath(path, host), i) })) : [{ item: e.value, at: joinPath(path, host) }];
    for (const { item, at } of items) {
      const ip = ctx.str(item, at);
      if (ip !== undefined) out.push({ host, ip });
    }
  }
  return out;
};
