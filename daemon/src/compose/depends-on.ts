/** services.*.depends_on: list or map (condition, required, restart), with where each name was written. */
import type { LNode } from "./located.js";
import { get, joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { DependsOnSpec } from "./types.js";

const CONDITIONS = ["service_started", "service_healthy", "service_completed_successfully"] as const;

export const normalizeDependsOn = (ctx: NormalizeContext, node: LNode | undefined, p: string): { specs: Record<string, DependsOnSpec>; nodes: Map<string, LNode> } => {
  const specs: Record<string, DependsOnSpec> = {};
  const nodes = new Map<string, LNode>();
  if (node === undefined) return { specs, nodes };
  if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      const name = ctx.str(item, joinPath(p, i));
      if (name === undefined) return;
      specs[name] = { condition: "service_started", required: true, restart: false };
      nodes.set(name, item);
    });
    return { specs, nodes };
  }
  const m = ctx.map(node, p);
  for (const [name, e] of m?.entries ?? []) {
    const ep = `${p}.${name}`;
    const v = e.value;
    if (v.kind === "scalar" && v.value === null) {
      specs[name] = { condition: "service_started", required: true, restart: false };
    } else {
      const dm = ctx.map(v, ep);
      if (!dm) continue;
      const condition = get(dm, "condition") === undefined ? "service_started" : ctx.oneOf(get(dm, "condition"), `${ep}.condition`, CONDITIONS);
      if (condition === undefined) continue;
      specs[name] = { condition, required: ctx.bool(get(dm, "required"), `${ep}.required`) ?? true, restart: ctx.bool(get(dm, "restart"), `${ep}.restart`) ?? false };
    }
    nodes.set(name, { ...v, loc: e.keyLoc });
  }
  return { specs, nodes };
};
