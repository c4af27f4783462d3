/**
 * The project use case: one request (compose options, namespace, isolation) → the compose project loaded, translated
 * and checked, once. Pure but for what is handed in: every file read goes through `files` (each path read once per
 * load, project-files.ts), the package's templates and presets come in as data, and the doctor is a port.
 * `devloop render | validate | build | run | up --dry-run`, the daemon's ProjectLoader (project-loader.ts) and so the
 * config controller, POST /api/projects, the translation view and the profiles all see this one result.
 */
import path from "node:path";
import { imageBuildRequest } from "../build/build-request.js";
import { redactDiagnostics } from "../compose/redact.js";
import type { ComposeProject } from "../compose/types.js";
import { composeAllowedContexts } from "../policy/context-guard.js";
import { isolationCollisions } from "../policy/isolation-check.js";
import { hasErrors, type Diagnostic } from "../errors/diagnostic.js";
import { escapeDiagnostic } from "../errors/escape.js";
import type { Doctor } from "../ports/doctor.js";
import { findingsByService } from "../ports/doctor.js";
import type { ImageBuildRequest } from "../ports/image-builder.js";
import type { LoadedProject, ProjectLoadRequest, PublishedPort } from "../ports/project-loader.js";
import { chooseImage } from "../translate/image.js";
import { awaitedServices, defaultNamespace, toManifests } from "../translate/index.js";
import { gatherTranslateInputs } from "../translate/translate-inputs.js";
import type { TranslateResult } from "../translate/types.js";
import { composeLoads } from "./load-compose.js";
import type { ProjectAssets } from "./project-assets.js";
import type { ProjectFiles } from "./project-files.js";

export interface ProjectContext {
  readonly assets: ProjectAssets;
  /** The OS user: the user part of the default namespace when the request's environment has no DEVLOOP_USER. */
  readonly user?: string;
  /** Run once on each successful load; its findings go on LoadedProject.findings (per service). */
  readonly doctor?: Doctor;
}

export type ProjectResult =
  | {
      readonly ok: true;
      /** What the engine runs: manifests, ports, builds, live rules, translation view, profiles, findings. */
      readonly project: LoadedProject;
      readonly compose: ComposeProject;
      readonly translated: TranslateResult;
      /** Load warnings, template problems and translation warnings, in that order (no errors; no isolation warnings). */
      readonly diagnostics: readonly Diagnostic[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** The user part of the default namespace: DEVLOOP_USER from the request's environment, else the OS user. */
export const namespaceUser = (env: Readonly<Record<string, string | undefined>>, user: string | undefined): string => {
  const explicit = env["DEVLOOP_USER"];
  if (explicit !== undefined && explicit !== "") return explicit;
  return user ?? env["USER"] ?? "user";
};

const publishedPorts = (project: ComposeProject): PublishedPort[] =>
  Object.values(project.services).flatMap((s) =>
    s.ports.flatMap((p) =>
      // No host port ("80"): published as Docker does, on a free local port (0 = the port-forward picks one).
      p.protocol !== "tcp" ? [] : [{ service: s.name, published: p.published ?? 0, target: p.target, protocol: p.protocol, ...(p.hostIp === undefined ? {} : { hostIp: p.hostIp }) }],
    ),
  );

export const loadProject = async (files: ProjectFiles, request: ProjectLoadRequest, context: ProjectContext): Promise<ProjectResult> => {
  const { options } = request;
  const loads = composeLoads(files);
  const fs = loads.files;
  const loaded = loads.load(options);
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  const { project } = loaded;
  const { templates, compilerPresets } = context.assets;
  // With services named, their waiters may not be selected: find one-shot services in the whole file (same bytes: fs reads each file once).
  const whole = options.services.length > 0 ? loads.load({ ...options, services: [], profiles: ["*"] }) : loaded;
  const namespace = request.namespace ?? request.namespaces?.[project.name] ?? defaultNamespace(project.name, namespaceUser(options.environment, context.user));
  const translated = toManifests(project, {
    awaitedServices: whole.ok ? awaitedServices(whole.project) : [],
    namespace,
    templates: templates.templates,
    compilerPresets,
    ...gatherTranslateInputs({ project, loadOptions: options, fs, isFile: (file) => fs.isFile(file) }),
  });
  // Translation diagnostics may quote values too: the load's secret values are hidden in them as well.
  // Control bytes quoted from the input are escaped in them as in the loader's own (errors/escape.ts).
  const diagnostics = redactDiagnostics([...loaded.warnings, ...templates.diagnostics, ...translated.warnings], loaded.secretValues ?? []).map(escapeDiagnostic);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  const dockerfiles = new Set(Object.values(project.services).flatMap((s) => (s.build ? [path.resolve(s.build.context, s.build.dockerfile)] : [])));
  const builds: Record<string, string> = {};
  const buildRequests: Record<string, ImageBuildRequest> = {};
  for (const s of Object.values(project.services)) {
    if (s.build !== undefined) builds[s.name] = chooseImage(project.name, s, undefined).image;
    const build = imageBuildRequest(project, s);
    if (build !== undefined) buildRequests[s.name] = build;
  }
  const findings = context.doctor === undefined ? undefined : findingsByService(await context.doctor.check(project));
  return {
    ok: true,
    compose: project,
    translated,
    diagnostics,
    project: {
      name: project.name,
      namespace,
      composeFiles: project.composeFiles,
      // Every file the load read: the compose files first, then .env, env files, label files, secret/config and
      // bind-mounted files — not the Dockerfiles (an edit there is a rebuild, not a reload).
      inputFiles: [...new Set([...project.composeFiles, ...fs.read()])].filter((f) => !dockerfiles.has(f)),
      // A provider service is not run (nothing is rendered for it), so the engine has no unit to wait for.
      services: Object.keys(project.services).filter((name) => project.services[name]?.provider === undefined),
      manifests: translated.manifests,
      dependencies: translated.dependencies,
      ports: publishedPorts(project),
      builds,
      buildRequests,
      live: translated.live,
      // Where a service collides with the namespace defaults up installs (DL-ISOLATION-*): warnings, as validate gives them.
      warnings: [...diagnostics, ...isolationCollisions(project, request.isolation ?? true)],
      variables: loaded.variables ?? [],
      allowedContexts: composeAllowedContexts(project.extensions),
      ...(project.delivery === undefined ? {} : { delivery: project.delivery }),
      translation: translated.translation,
      profiles: project.allProfiles ?? [],
      ...(findings === undefined ? {} : { findings }),
    },
  };
};
