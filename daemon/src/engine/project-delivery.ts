/**
 * What a project's delivery is decided from (ports/delivery-planner.ts): its kube target (the context and kubeconfig
 * its up pinned) and its settings, each from the first level that sets it — `up --image-delivery` / `--registry`, the
 * caller's environment (the shell that ran up), the daemon's own, then the compose file's top-level
 * x-devloop.image_delivery / registry.
 */
import type { DeliverySettings } from "../build/image-delivery.js";
import { COMPOSE_FROM, deliverySettings, ENV_FROM, envDeliverySource, FLAG_FROM } from "../build/image-delivery.js";
import { chooseArtifactDelivery } from "../sync/artifact-delivery.js";
import type { KubeTargetRef } from "../ports/kube-targets.js";
import type { DeliveryState, ProjectState } from "./state.js";

export type Environment = Readonly<Record<string, string | undefined>>;

export const projectDeliverySettings = (project: ProjectState, daemonEnv: Environment): DeliverySettings => {
  const compose = project.loaded?.delivery;
  return deliverySettings([
    { from: FLAG_FROM, source: project.request.delivery },
    { from: ENV_FROM, source: envDeliverySource(project.request.options.environment) },
    { from: ENV_FROM, source: envDeliverySource(daemonEnv) },
    { from: COMPOSE_FROM, source: compose === undefined ? undefined : { ...(compose.imageDelivery === undefined ? {} : { imageDelivery: compose.imageDelivery }), ...(compose.registry === undefined ? {} : { registry: compose.registry }) } },
  ]);
};

export const projectTarget = (project: ProjectState): KubeTargetRef => ({
  ...(project.request.kubeconfig === undefined ? {} : { kubeconfig: project.request.kubeconfig }),
  ...(project.request.context === undefined ? {} : { context: project.request.context }),
});

/** How compiled artifacts reach the project's pods, from its image delivery and DEVLOOP_ARTIFACT_DELIVERY. */
export const projectArtifacts = (delivery: DeliveryState["delivery"], daemonEnv: Environment): NonNullable<DeliveryState["artifacts"]> => {
  const explicit = daemonEnv["DEVLOOP_ARTIFACT_DELIVERY"];
  const decision = chooseArtifactDelivery({ imageDelivery: delivery?.strategy ?? "registry", ...(explicit === undefined ? {} : { explicit }) });
  return decision.ok ? decision.delivery : { strategy: "exec", reason: `${decision.message} (exec used)` };
};

/** The daemon log's line for a decision: "images reach the cluster by registry (…); artifact delivery exec: …". */
export const deliveryLine = (state: DeliveryState): string => {
  const images = state.delivery === undefined ? `no image delivery: ${state.error ?? "?"}` : `images reach the cluster by ${state.delivery.strategy} (${state.delivery.reason}${state.note === undefined ? "" : `; ${state.note}`})`;
  return `${images}${state.artifacts === undefined ? "" : `; artifact delivery ${state.artifacts.strategy}: ${state.artifacts.reason}`}`;
};
