/**
 * What the workload's pod shape gets beyond the container (applied over workload.ts's Deployment or Job):
 * deploy.mode: global → a DaemonSet (one pod per node), deploy.placement → nodeSelector / node affinity,
 * network_mode: host / ipc: host → hostNetwork / hostIPC. A service joined into another's pod gets none of these
 * (pod-join.ts reports what it loses).
 */
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { toPlacement } from "./placement.js";
import { podNamespaces } from "./pod-namespaces.js";
import type { KubeManifest } from "./types.js";

type Obj = Record<string, unknown>;

/** A Deployment → a DaemonSet: the same selector and template, no replicas or strategy. */
const toDaemonSet = (ctx: TranslateContext, service: ServiceSpec, workload: KubeManifest): KubeManifest => {
  const { replicas: _r, strategy: _s, ...spec } = workload["spec"] as Obj;
  const p = `services.${service.name}`;
  const replicasAt = [`${p}.deploy.replicas`, `${p}.scale`].find((k) => ctx.project.sourceMap[k] !== undefined);
  if (replicasAt !== undefined || service.deploy?.replicas !== undefined) {
    ctx.report({
      code: TranslateCodes.placementNotTranslated,
      path: replicasAt ?? `${p}.deploy.replicas`,
      message: `deploy.mode: global runs one pod per node, so the replica count (${service.replicas}) is not used`,
      hint: "remove replicas, or use mode: replicated",
    });
  }
  return { ...workload, kind: "DaemonSet", spec };
};

export const shapeWorkload = (ctx: TranslateContext, service: ServiceSpec, workload: KubeManifest, daemonSet: boolean): KubeManifest => {
  const extra = { ...podNamespaces(ctx, service), ...toPlacement(ctx, service) };
  const shaped = daemonSet && workload.kind === "Deployment" ? toDaemonSet(ctx, service, workload) : workload;
  if (Object.keys(extra).length === 0) return shaped;
  const spec = shaped["spec"] as { template: { spec: Obj } & Obj } & Obj;
  return { ...shaped, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, ...extra } } } };
};
