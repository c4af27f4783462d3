/**
 * devloop build [services…] [-q]: build the images of services with build: as `devloop up` builds them (BuildKit
 * through the Docker CLI, content-hash tags, delivered where the cluster runs them), like `docker compose build`.
 * A later `up` finds the same tags and skips those builds. Exit 1 when a build fails (its step and output shown).
 */
import { imageBuildRequest } from "../../../daemon/src/build/build-request.js";
import { chooseImageDelivery, COMPOSE_FROM, deliverySettings, ENV_FROM, envDeliverySource, FLAG_FROM } from "../../../daemon/src/build/image-delivery.js";
import type { ImageBuildRequest } from "../../../daemon/src/ports/image-builder.js";
import { type ComposeFlags } from "../compose-options.js";
import { deliveryFlags } from "../delivery-flags.js";
import { clusterDeliveryFacts, currentKubeContext, dockerImageBuilder } from "../local-adapters.js";
import { ExitCode, paint, serviceColor, useColor } from "../output.js";
import { printDiagnostics, renderProject } from "../render-project.js";
import { UserError } from "../user-error.js";

export interface BuildFlags extends ComposeFlags {
  readonly quiet?: boolean;
  readonly context?: string;
  readonly imageDelivery?: string;
  readonly registry?: string;
}

/** The build requests for the named services (all with build: when none named); a named one without build: is an error. */
export const buildRequests = (project: Parameters<typeof imageBuildRequest>[0], services: readonly string[]): ImageBuildRequest[] => {
  const names = services.length > 0 ? services : Object.keys(project.services);
  const requests: ImageBuildRequest[] = [];
  for (const name of names) {
    const spec = project.services[name];
    if (spec === undefined) throw new UserError(`no service "${name}" in project ${project.name}`);
    const request = imageBuildRequest(project, spec);
    if (request === undefined) {
      if (services.length > 0) throw new UserError(`${name} has no build: section (it runs ${spec.image ?? "no image"}); nothing to build`);
      continue;
    }
    requests.push(request);
  }
  return requests;
};

const kubeContext = async (context: string | undefined): Promise<string | undefined> => {
  try {
    return await currentKubeContext(context);
  } catch {
    return context;
  }
};

export const buildCommand = async (services: string[], flags: BuildFlags): Promise<number> => {
  const rendered = await renderProject(services, flags);
  printDiagnostics(rendered.diagnostics);
  if (!rendered.ok) return ExitCode.userError;
  const requests = buildRequests(rendered.project, services);
  if (requests.length === 0) {
    if (!flags.quiet) process.stderr.write(`${rendered.project.name}: no service has a build: section\n`);
    return ExitCode.ok;
  }
  const context = await kubeContext(flags.context);
  const facts = await clusterDeliveryFacts(flags.context);
  const decision = chooseImageDelivery({
    nodes: facts.nodes,
    ...(facts.dockerEngineName === undefined ? {} : { dockerEngineName: facts.dockerEngineName }),
    ...(context === undefined ? {} : { kubeContext: context }),
    ...deliverySettings([
      { from: FLAG_FROM, source: deliveryFlags(flags) },
      { from: ENV_FROM, source: envDeliverySource(process.env) },
      { from: COMPOSE_FROM, source: rendered.project.delivery },
    ]),
  });
  // As the daemon decides (daemon/src/main.ts), from the same facts.
  const builder = await dockerImageBuilder(decision.ok ? decision.delivery : { strategy: "docker", reason: "default" });
  const color = useColor();
  const width = Math.max(...requests.map((r) => r.service.length));
  let failed = 0;
  for (const request of requests) {
    const prefix = paint(color, serviceColor(request.service), `${request.service.padEnd(width)} |`);
    try {
      const result = await builder.build(request, (line) => {
        if (!flags.quiet) process.stdout.write(`${prefix} ${line}\n`);
      });
      process.stdout.write(flags.quiet ? `${result.ref}\n` : `${prefix} ${result.skipped ? "unchanged" : "built"} ${result.ref} (${Math.round(result.ms)} ms)\n`);
    } catch (error) {
      failed += 1;
      process.stderr.write(`devloop: build of ${request.service} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed > 0 ? ExitCode.userError : ExitCode.ok;
};
