/** Which image a service's container runs, and its pull policy. */
import type { PullPolicy, ServiceSpec } from "../compose/types.js";
import { toDnsLabel } from "./names.js";

export interface ImageChoice {
  readonly image: string;
  readonly imagePullPolicy?: "Always" | "Never" | "IfNotPresent";
  /** True when the image is built locally (by the engine or compose build). */
  readonly local: boolean;
}

/** The deterministic tag of a service that has build: and no image: ("<project>-<service>:devloop"). */
export const localImageTag = (project: string, service: string): string => `${toDnsLabel(project)}-${toDnsLabel(service)}:devloop`;

const PULL_POLICIES = {
  always: "Always",
  never: "Never",
  missing: "IfNotPresent",
  if_not_present: "IfNotPresent",
  build: "IfNotPresent",
} as const;

/**
 * refresh, daily, weekly and every_<duration> pull again once the local copy is older than that; the kubelet keeps no
 * image age, so they pull when the image is missing (IfNotPresent), as Compose does for an image it has never pulled.
 */
const pullPolicyOf = (policy: PullPolicy): "Always" | "Never" | "IfNotPresent" => (policy in PULL_POLICIES ? PULL_POLICIES[policy as keyof typeof PULL_POLICIES] : "IfNotPresent");

export const chooseImage = (project: string, service: ServiceSpec, overrides: Readonly<Record<string, string>> | undefined): ImageChoice => {
  const override = overrides?.[service.name];
  if (override !== undefined) return { image: override, imagePullPolicy: "IfNotPresent", local: service.build !== undefined };
  if (service.build !== undefined) {
    return { image: service.image ?? localImageTag(project, service.name), imagePullPolicy: "IfNotPresent", local: true };
  }
  const policy = service.pullPolicy === undefined ? undefined : pullPolicyOf(service.pullPolicy);
  return { image: service.image ?? service.name, ...(policy ? { imagePullPolicy: policy } : {}), local: false };
};
