/** services.*.secrets / configs: short or long references, with the default targets compose uses. */
import type { LNode } from "./located.js";
import { get, joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { ServiceFileRefSpec } from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const normalizeFileRefs = (ctx: NormalizeContext, node: LNode | undefined, p: string, kind: "secrets" | "configs"): { refs: ServiceFileRefSpec[]; nodes: { node: LNode; path: string }[] } => {
  const refs: ServiceFileRefSpec[] = [];
  const nodes: { node: LNode; path: string }[] = [];
  if (node === undefined) return { refs, nodes };
  if (node.kind !== "seq") {
    ctx.wrongType(node, p, `a list of ${kind}`);
    return { refs, nodes };
  }
  const defaultTarget = (source: string, target: string | undefined): string => {
    if (kind === "secrets") return target === undefined ? `/run/secrets/${source}` : target.startsWith("/") ? target : `/run/secrets/${target}`;
    return target === undefined ? `/${source}` : target;
  };
  node.items.forEach((item, i) => {
    const ip = joinPath(p, i);
    if (item.kind === "scalar") {
      const source = ctx.str(item, ip);
      if (source === undefined) return;
      refs.push({ source, target: defaultTarget(source, undefined) });
      nodes.push({ node: item, path: ip });
      return;
    }
    const m = ctx.map(item, ip);
    if (!m) return;
    const sourceNode = get(m, "source");
    const source = ctx.str(sourceNode, `${ip}.source`);
    if (sourceNode === undefined) ctx.report("wrongType", m, ip, `a ${kind.slice(0, -1)} reference needs a source`, { expected: "source: <name>" });
    if (source === undefined) return;
    const target = ctx.str(get(m, "target"), `${ip}.target`);
    const ref: Mutable<ServiceFileRefSpec> = { source, target: defaultTarget(source, target) };
    const uid = ctx.str(get(m, "uid"), `${ip}.uid`);
    if (uid !== undefined) ref.uid = uid;
    const gid = ctx.str(get(m, "gid"), `${ip}.gid`);
    if (gid !== undefined) ref.gid = gid;
    const mode = ctx.fileMode(get(m, "mode"), `${ip}.mode`);
    if (mode !== undefined) ref.mode = mode;
    refs.push(ref);
    nodes.push({ node: sourceNode ?? m, path: ip });
  });
  return { refs, nodes };
};
