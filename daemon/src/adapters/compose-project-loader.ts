/**
 * The ProjectLoader on the real pipeline: loadProject (files from disk) then toManifests, plus what the engine
 * needs beside the manifests (published ports, images to build). Same inputs as `devloop render`, so up applies
 * exactly what render prints.
 */
import { imageBuildRequest } from "../build/build-request.js";
import { composeAllowedContexts } from "../engine/context-guard.js";
import { isolationCollisions } from "../engine/isolation-check.js";
import type { Doctor } from "../ports/doctor.js";
import { findingsByService } from "../ports/doctor.js";
import type { ImageBuildRequest } from "../ports/image-builder.js";
import type { ProjectLoader, PublishedPort } from "../ports/project-loader.js";
import { chooseImage } from "../translate/image.js";
import { translateProject } from "./translate-project.js";

export { currentUser } from "./translate-project.js";

export interface ComposeProjectLoaderOptions {
  /** Run on every successful load; its findings go on LoadedProject.findings (per service). */
  readonly doctor?: Doctor;
}

export const createComposeProjectLoader = (loaderOptions: ComposeProjectLoaderOptions = {}): ProjectLoader => ({
  async load(request) {
    const result = await translateProject(request.options, request.namespace);
    if (!result.ok) return { ok: false, diagnostics: result.diagnostics };
    const { project, namespace, translated } = result;
    const ports: PublishedPort[] = Object.values(project.services).flatMap((s) =>
      s.ports.flatMap((p) =>
        // No host port ("80"): published as Docker does, on a free local port (0 = the port-forward picks one).
        p.protocol !== "tcp"
          ? []
          : [{ service: s.name, published: p.published ?? 0, target: p.target, protocol: p.protocol, ...(p.hostIp === undefined ? {} : { hostIp: p.hostIp }) }],
      ),
    );
    const builds: Record<string, string> = {};
    const buildRequests: Record<string, ImageBuildRequest> = {};
    for (const s of Object.values(project.services)) {
      if (s.build !== undefined) builds[s.name] = chooseImage(project.name, s, undefined).image;
      const build = imageBuildRequest(project, s);
      if (build !== undefined) buildRequests[s.name] = build;
    }
    const findings = loaderOptions.doctor === undefined ? undefined : findingsByService(await loaderOptions.doctor.check(project));
    return {
      ok: true,
      project: {
        name: project.name,
        namespace,
        composeFiles: project.composeFiles,
        inputFiles: result.inputFiles,
        // A provider service is not run (nothing is rendered for it), so the engine has no unit to wait for.
        services: Object.keys(project.services).filter((name) => project.services[name]?.provider === undefined),
        manifests: translated.manifests,
        dependencies: translated.dependencies,
        ports,
        builds,
        buildRequests,
        live: translated.live,
        // Where a service collides with the namespace defaults up installs (DL-ISOLATION-*): warnings, as validate gives them.
        warnings: [...result.diagnostics, ...isolationCollisions(project, request.isolation ?? true)],
        variables: result.variables,
        allowedContexts: composeAllowedContexts(project.extensions),
        ...(findings === undefined ? {} : { findings }),
      },
    };
  },
});
