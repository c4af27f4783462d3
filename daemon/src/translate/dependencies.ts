/** depends_on → the graph the engine enforces, and the annotation recorded on each workload. */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import { compareStrings } from "./compare.js";
import type { DependencyEdge } from "./types.js";

export const dependencyEdges = (project: ComposeProject): readonly DependencyEdge[] =>
  Object.values(project.services)
    .flatMap((service) =>
      Object.entries(service.dependsOn).map(([target, dep]) => ({
        service: service.name,
        dependsOn: target,
        condition: dep.condition,
        required: dep.required,
        restart: dep.restart,
      })),
    )
    .sort((a, b) => (a.service === b.service ? compareStrings(a.dependsOn, b.dependsOn) : compareStrings(a.service, b.service)));

/** "cache:service_healthy,migrate:service_completed_successfully:optional" (":restart" when restart: true). */
export const dependsOnAnnotation = (service: ServiceSpec): string | undefined => {
  const entries = Object.entries(service.dependsOn)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([target, dep]) => [target, dep.condition, ...(dep.required ? [] : ["optional"]), ...(dep.restart ? ["restart"] : [])].join(":"));
  return entries.length > 0 ? entries.join(",") : undefined;
};
