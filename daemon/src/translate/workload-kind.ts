/**
 * Deployment, DaemonSet or Job. A service that another enabled service waits on with service_completed_successfully
 * is a one-shot task: a Job. deploy.mode: global runs one pod per node: a DaemonSet; replicated-job is a Job.
 * x-devloop.kind: job | deployment overrides the choice.
 */
import type { ComposeProject } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { stringField, xDevloop } from "./devloop-extension.js";

export type WorkloadKind = "Deployment" | "DaemonSet" | "Job";

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
  for (const [name, service] of Object.entries(project.services)) {
    const forced = stringField(xDevloop(service.extensions), "kind")?.toLowerCase();
    const mode = service.deploy?.mode;
    kinds.set(
      name,
      forced === "job" ? "Job" : forced === "deployment" ? "Deployment" : awaited.has(name) || mode === "replicated-job" || mode === "global-job" ? "Job" : mode === "global" ? "DaemonSet" : "Deployment",
    );
  }
  return kinds;
};

/** deploy.mode values that are not translated as written. */
export const reportDeployModes = (ctx: TranslateContext): void => {
  for (const service of Object.values(ctx.project.services)) {
    const mode = service.deploy?.mode;
    if (mode === undefined || mode === "replicated" || mode === "global" || mode === "replicated-job") continue;
    ctx.report({
      code: TranslateCodes.placementNotTranslated,
      path: `services.${service.name}.deploy.mode`,
      message: mode === "global-job" ? "deploy.mode: global-job runs as one Job, not one per node" : `deploy.mode: ${mode} is not a compose deploy mode; the service runs as a Deployment`,
      expected: "replicated, global, replicated-job or global-job",
      got: mode,
    });
  }
};
