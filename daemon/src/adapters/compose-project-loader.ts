/**
 * The ProjectLoader on the real pipeline: loadProject (files from disk) then toManifests, plus what the engine
 * needs beside the manifests (published ports, images to build). Same inputs as `devloop render`, so up applies
 * exactly what render prints.
 */
import { statSync } from "node:fs";
import { userInfo } from "node:os";
import { loadProject } from "../compose/index.js";
import { nodeFileSystem } from "../compose/node-file-system.js";
import { imageBuildRequest } from "../build/build-request.js";
import { loadCompilerPresets } from "../build/load-compiler-presets.js";
import { hasErrors } from "../errors/diagnostic.js";
import type { Doctor } from "../ports/doctor.js";
import { findingsByService } from "../ports/doctor.js";
import type { ImageBuildRequest } from "../ports/image-builder.js";
import type { ProjectLoader, PublishedPort } from "../ports/project-loader.js";
import { awaitedServices, defaultNamespace, toManifests } from "../translate/index.js";
import { chooseImage } from "../translate/image.js";
import { BUILTIN_COMPILER_PRESET_DIR, loadTemplates } from "../translate/load-templates.js";
import { gatherTranslateInputs } from "../translate/translate-inputs.js";

/** The user part of the default namespace: $DEVLOOP_USER, else the OS user. */
export const currentUser = (env: Readonly<Record<string, string | undefined>> = process.env): string => {
  const explicit = env["DEVLOOP_USER"];
  if (explicit !== undefined && explicit !== "") return explicit;
  try {
    return userInfo().username;
  } catch {
    return env["USER"] ?? "user";
  }
};

const isFile = (file: string): boolean => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

export interface ComposeProjectLoaderOptions {
  /** Run on every successful load; its findings go on LoadedProject.findings (per service). */
  readonly doctor?: Doctor;
}

export const createComposeProjectLoader = (loaderOptions: ComposeProjectLoaderOptions = {}): ProjectLoader => ({
  async load(request) {
    const loaded = loadProject(request.options, nodeFileSystem);
    if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
    const project = loaded.project;
    const namespace = request.namespace ?? defaultNamespace(project.name, currentUser(request.options.environment));
    const templates = loadTemplates();
    // As devloop render does: with services named, one-shot services are found in the whole file.
    const whole = request.options.services.length > 0 ? loadProject({ ...request.options, services: [], profiles: ["*"] }, nodeFileSystem) : loaded;
    const translated = toManifests(project, {
      awaitedServices: whole.ok ? awaitedServices(whole.project) : [],
      namespace,
      templates: templates.templates,
      compilerPresets: await loadCompilerPresets(BUILTIN_COMPILER_PRESET_DIR),
      ...gatherTranslateInputs({ project, loadOptions: request.options, fs: nodeFileSystem, isFile }),
    });
    const problems = [...templates.diagnostics, ...translated.warnings];
    if (hasErrors(problems)) return { ok: false, diagnostics: problems };
    const ports: PublishedPort[] = Object.values(project.services).flatMap((s) =>
      s.ports.flatMap((p) =>
        p.published === undefined || p.protocol !== "tcp"
          ? []
          : [{ service: s.name, published: p.published, target: p.target, protocol: p.protocol, ...(p.hostIp === undefined ? {} : { hostIp: p.hostIp }) }],
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
        services: Object.keys(project.services),
        manifests: translated.manifests,
        dependencies: translated.dependencies,
        ports,
        builds,
        buildRequests,
        live: translated.live,
        warnings: [...loaded.warnings, ...problems],
        ...(findings === undefined ? {} : { findings }),
      },
    };
  },
});
