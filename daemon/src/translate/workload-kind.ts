/**
 * Deployment or Job. A service that another enabled service waits on with service_completed_successfully
 * is a one-shot task: a Job. x-devloop.kind: job | deployment overrides the choice.
 */
import type { ComposeProject } from "../compose/types.js";
import { stringField, xDevloop } from "./devloop-extension.js";

export type WorkloadKind = "Deployment" | "Job";

/** Services some enabled service waits on with service_completed_successfully, sorted. */
export const awaitedServices = (project: ComposeProject): string[] => {
  const awaited = new Set<string>();
  for (const service of Object.values(project.services)) {
    for (const [target, dep] of Object.entries(service.dependsOn)) {
      if (dep.condition === "service_completed_successfully") awaited.add(target);
    }
  }
  return [...awaited].sort();
};

export const workloadKinds = (project: ComposeProject, awaitedOverride?: readonly string[]): ReadonlyMap<string, WorkloadKind> => {
  const awaited = new Set([...awaitedServices(project), ...(awaitedOverride ?? [])]);
  const kinds = new Map<string, WorkloadKind>();
  for (const name of Object.keys(project.services)) {
    const forced = stringField(xDevloop(project.services[name]?.extensions ?? {}), "kind")?.toLowerCase();
    kinds.set(name, forced === "job" ? "Job" : forced === "deployment" ? "Deployment" : awaited.has(name) ? "Job" : "Deployment");
  }
  return kinds;
};
