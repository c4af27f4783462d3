/**
 * deploy.placement → where the pod may run. Constraints on node.hostname, node.labels.<key>, node.platform.os and
 * node.platform.arch: "==" becomes a nodeSelector entry, "!=" a required node-affinity NotIn expression (both must
 * hold, as all Swarm constraints must). Other constraints (node.id, node.role, engine.labels.*), preferences and
 * max_replicas_per_node have no translation and are reported.
 */
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";

export interface Placement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly affinity?: Readonly<Record<string, unknown>>;
}

/** The node label a Swarm constraint's left side stands for, or undefined when it has none. */
const nodeLabel = (field: string): string | undefined => {
  if (field === "node.hostname") return "kubernetes.io/hostname";
  if (field === "node.platform.os") return "kubernetes.io/os";
  if (field === "node.platform.arch") return "kubernetes.io/arch";
  return field.startsWith("node.labels.") && field.length > "node.labels.".length ? field.slice("node.labels.".length) : undefined;
};

export const parseConstraint = (text: string): { label: string; op: "==" | "!="; value: string } | undefined => {
  const m = /^\s*([^\s=!]+)\s*(==|!=)\s*(.+?)\s*$/.exec(text);
  const label = m?.[1] === undefined ? undefined : nodeLabel(m[1]);
  if (m === null || label === undefined) return undefined;
  return { label, op: m[2] as "==" | "!=", value: m[3] ?? "" };
};

export const toPlacement = (ctx: TranslateContext, service: ServiceSpec): Placement => {
  const placement = service.deploy?.placement;
  if (placement === undefined) return {};
  const p = `services.${service.name}.deploy.placement`;
  const nodeSelector: Record<string, string> = {};
  const notIn = new Map<string, string[]>();
  placement.constraints.forEach((text, index) => {
    const c = parseConstraint(text);
    if (c === undefined) {
      ctx.report({
        code: TranslateCodes.placementNotTranslated,
        path: `${p}.constraints[${index}]`,
        message: `placement constraint "${text}" is not translated: Kubernetes nodes have no Swarm node id, role or engine labels`,
        expected: "node.hostname, node.labels.<key>, node.platform.os or node.platform.arch with == or !=",
        got: text,
      });
      return;
    }
    if (c.op === "==") {
      const before = nodeSelector[c.label];
      if (before !== undefined && before !== c.value) {
        ctx.report({
          code: TranslateCodes.placementNotTranslated,
          path: `${p}.constraints[${index}]`,
          message: `placement constraint "${text}" contradicts ${c.label} == ${before}: no node can match both, so only the first is kept`,
        });
        return;
      }
      nodeSelector[c.label] = c.value;
    } else notIn.set(c.label, [...(notIn.get(c.label) ?? []), c.value]);
  });
  if (placement.preferences.length > 0) {
    ctx.report({
      code: TranslateCodes.placementNotTranslated,
      path: `${p}.preferences`,
      message: `placement preferences (spread over ${placement.preferences.join(", ")}) are not translated: the scheduler spreads a Deployment's pods over nodes by itself`,
      hint: "add topologySpreadConstraints through x-devloop.templates.Deployment if the spread matters",
    });
  }
  if (placement.maxReplicasPerNode !== undefined) {
    ctx.report({
      code: TranslateCodes.placementNotTranslated,
      path: `${p}.max_replicas_per_node`,
      message: `max_replicas_per_node: ${placement.maxReplicasPerNode} is not translated`,
      hint: "add topologySpreadConstraints or pod anti-affinity through x-devloop.templates.Deployment",
    });
  }
  const expressions = [...notIn].map(([key, values]) => ({ key, operator: "NotIn", values }));
  return {
    ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
    ...(expressions.length > 0 ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } } } : {}),
  };
};
