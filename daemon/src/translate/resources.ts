/** deploy.resources: limits → limits, reservations → requests. */
import type { DeploySpec, ResourcesSpec } from "../compose/types.js";
import { formatBytes, formatCpu } from "./quantities.js";

export interface ResourceRequirements {
  readonly limits?: Readonly<Record<string, string>>;
  readonly requests?: Readonly<Record<string, string>>;
}

const toList = (spec: ResourcesSpec | undefined): Record<string, string> | undefined => {
  if (spec === undefined) return undefined;
  const out: Record<string, string> = {};
  if (spec.cpus !== undefined && spec.cpus > 0) out["cpu"] = formatCpu(spec.cpus);
  if (spec.memory !== undefined && spec.memory > 0) out["memory"] = formatBytes(spec.memory);
  return Object.keys(out).length > 0 ? out : undefined;
};

export const toResources = (deploy: DeploySpec | undefined): ResourceRequirements | undefined => {
  const limits = toList(deploy?.resources.limits);
  const requests = toList(deploy?.resources.reservations);
  if (limits === undefined && requests === undefined) return undefined;
  return { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) };
};
