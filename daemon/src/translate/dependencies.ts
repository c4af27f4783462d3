/** depends_on → the graph the engine enforces, and the annotation recorded on each workload. */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import { compareStrings } from "./compare.js";
import type { TranslateContext } from "./context.js";
import { effectiveHealthcheck } from "./image-healthcheck.js";
import { probeCommand } from "./probe.js";
import type { DependencyEdge } from "./types.js";

export const dependencyEdges = (project: ComposeProject): readonly DependencyEdge[] =>
  Object.values(project.services)
    .flatMap((service) =>
      Object.entries(service.dependsOn)
        // A provider service is not run, so nothing waits for it.
        .filter(([target]) => project.services[target]?.provider === undefined)
        .map(([target, dep]) => ({
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

/**
 * service_healthy on a service that has no healthcheck (none in compose, none in its Dockerfile): docker compose refuses
 * to start the waiting service; devloop waits for the dependency's pod to be ready, which without a probe means running.
 */
export const reportUncheckedHealthWaits = (ctx: TranslateContext): void => {
  for (const service of Object.values(ctx.project.services)) {
    for (const [target, dep] of Object.entries(service.dependsOn)) {
      const dependency = ctx.project.services[target];
      if (dep.condition !== "service_healthy" || dependency === undefined) continue;
      const healthcheck = effectiveHealthcheck(dependency.healthcheck, ctx.options.imageHealthchecks?.[target]);
      if (healthcheck !== undefined && !healthcheck.disable && probeCommand(healthcheck.test) !== undefined) continue;
      const disabled = healthcheck?.disable === true;
      ctx.report({
        code: TranslateCodes.healthyWithoutHealthcheck,
        path: `services.${service.name}.depends_on.${target}`,
        message: `${service.name} waits for ${target} to be healthy, but ${target}'s healthcheck is ${disabled ? "disabled" : "not set (in compose or its Dockerfile)"}; devloop counts ${target} healthy once its container runs`,
        expected: `a healthcheck on ${target}, or condition: service_started`,
        got: `condition: service_healthy${disabled ? ` and ${target}'s healthcheck disabled` : ""}`,
      });
    }
  }
};
