/**
 * Deciding how a project's built images reach its cluster (build/image-delivery.ts), under the project's own kube
 * target: its nodes (when that identity may list them), this Docker engine, the settings. Asked by the build
 * controller for each load (an up, a compose reload), so a second node joining, another context or a changed setting
 * is seen on the next one. The real one is adapters/delivery-planner.ts, which also reads the registry's credentials
 * for the push and the pull Secret.
 */
import type { DeliveryDecision, DeliverySettings } from "../build/image-delivery.js";
import type { KubeTargetRef } from "./kube-targets.js";

export interface PlannedDelivery {
  readonly decision: DeliveryDecision;
  /** What the decision could not see (e.g. "nodes unknown: this identity may not list nodes") and where credentials came from; never a secret. */
  readonly note?: string;
}

export interface DeliveryPlanner {
  plan(target: KubeTargetRef, settings: DeliverySettings): Promise<PlannedDelivery>;
}
