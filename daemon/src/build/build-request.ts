/**
 * What the engine hands the ports for one service: the ImageBuildRequest from compose build:, and the delivery
 * settings from x-devloop (project level) or the environment. Pure.
 */
import path from "node:path";
import type { BuildSpec, ComposeProject, ServiceSpec } from "../compose/types.js";
import type { BuildSecretSource, ImageBuildRequest } from "./build-options.js";
import { localImageTag } from "../translate/image.js";

const nonEmpty = <T>(list: readonly T[] | undefined): list is readonly T[] => list !== undefined && list.length > 0;

/** build.secrets: each name resolved to the top-level secret's source (file or environment), never its value. */
const buildSecrets = (project: ComposeProject, build: BuildSpec): BuildSecretSource[] =>
  (build.secrets ?? []).map((id) => {
    const spec = project.secrets[id];
    return { id, ...(spec?.file === undefined ? {} : { file: spec.file }), ...(spec?.environment === undefined ? {} : { environment: spec.environment }) };
  });

/** additional_contexts: a directory relative to the project directory (as compose-go resolves it) made absolute. */
const additionalContexts = (project: ComposeProject, build: BuildSpec): Record<string, string> =>
  Object.fromEntries(
    Object.entries(build.additionalContexts ?? {}).map(([name, value]) => [name, /^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith("git@") ? value : path.resolve(project.workingDir, value)]),
  );

/** The build keys BuildKit takes (several platforms are one platform at a time: translate warns about a list). */
const buildKitOptions = (project: ComposeProject, build: BuildSpec): Partial<ImageBuildRequest> => ({
  ...(Object.keys(build.labels).length > 0 ? { labels: build.labels } : {}),
  ...(nonEmpty(build.cacheFrom) ? { cacheFrom: build.cacheFrom } : {}),
  ...(nonEmpty(build.extraHosts) ? { extraHosts: build.extraHosts.map((h) => `${h.host}:${h.ip}`) } : {}),
  ...(build.network === undefined ? {} : { network: build.network }),
  ...(build.shmSize === undefined ? {} : { shmSize: build.shmSize }),
  ...(build.noCache === true ? { noCache: true } : {}),
  ...(build.pull === true ? { pull: true } : {}),
  ...(build.platforms?.length === 1 && build.platforms[0] !== undefined ? { platform: build.platforms[0] } : {}),
  ...(nonEmpty(build.ulimits) ? { ulimits: build.ulimits } : {}),
  ...(nonEmpty(build.tags) ? { tags: build.tags } : {}),
  ...(nonEmpty(build.cacheTo) ? { cacheTo: build.cacheTo } : {}),
  ...(nonEmpty(build.secrets) ? { secrets: buildSecrets(project, build) } : {}),
  ...(nonEmpty(build.ssh) ? { ssh: build.ssh } : {}),
  ...(Object.keys(build.additionalContexts ?? {}).length > 0 ? { additionalContexts: additionalContexts(project, build) } : {}),
});

/** undefined when the service has no build:. `image` is the name translate put in the manifests. */
export const imageBuildRequest = (project: ComposeProject, service: ServiceSpec): ImageBuildRequest | undefined => {
  const build = service.build;
  if (build === undefined) return undefined;
  return {
    service: service.name,
    image: service.image ?? localImageTag(project.name, service.name),
    context: build.context,
    dockerfile: build.dockerfile,
    ...(build.dockerfileInline === undefined ? {} : { dockerfileInline: build.dockerfileInline }),
    args: build.args,
    ...(build.target === undefined ? {} : { target: build.target }),
    ...buildKitOptions(project, build),
  };
};
