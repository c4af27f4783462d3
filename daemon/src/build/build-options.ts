/**
 * The one build-options type: what an image build is asked to do (ImageBuildRequest, handed to the ImageBuilder port,
 * which re-exports it), built from compose's BuildSpec by build-request.ts. The options that pass through as compose
 * wrote them are taken from BuildSpec; the others are resolved here (extra_hosts as "host:ip", one platform, secrets to
 * their sources, additional_contexts made absolute). Also: the options that are part of the content-hash tag, and the
 * label every devloop-built image carries (the BuildKit argv is buildkit-command.ts). Pure.
 */
import type { BuildSpec } from "../compose/types.js";

/** Where a build secret's value comes from; the value itself is read by the adapter at build time only. */
export interface BuildSecretSource {
  readonly id: string;
  /** Absolute path of the file (secrets.<id>.file). */
  readonly file?: string;
  /** Variable (secrets.<id>.environment) in the environment of the `up` that asked for the build, else the daemon's. */
  readonly environment?: string;
}

/**
 * build: keys as compose wrote them: target, network (the RUN steps' network mode), shm_size in bytes, no_cache (no
 * layer cache when a build runs; see build/README.md for the content-hash skip), pull (pull the FROM images when a build
 * runs), ulimits (for the RUN steps), tags (more names the image is tagged with after the build, or skip), cache_to
 * (--cache-to with buildx; "type=inline" with the legacy CLI), ssh ("default" or "id=path[,path]").
 */
type AsWritten = Pick<BuildSpec, "dockerfile" | "dockerfileInline" | "args" | "target" | "network" | "shmSize" | "noCache" | "pull" | "ulimits" | "tags" | "cacheTo" | "ssh">;

/** The build options, each present only when set. */
export interface BuildOptions extends Partial<Omit<AsWritten, "dockerfile" | "args">> {
  /** build.labels; the adapter adds its own dev.devloop.service label. */
  readonly labels?: Readonly<Record<string, string>>;
  /** build.cache_from: images or cache sources whose layers the build may reuse (--cache-from). */
  readonly cacheFrom?: readonly string[];
  /** build.extra_hosts as "host:ip". */
  readonly extraHosts?: readonly string[];
  /** build.platforms with exactly one entry. */
  readonly platform?: string;
  /** build.secrets resolved to their top-level source (a path or a variable name, never the value). */
  readonly secrets?: readonly BuildSecretSource[];
  /** build.additional_contexts: name → absolute directory or "docker-image://ref". */
  readonly additionalContexts?: Readonly<Record<string, string>>;
}

export interface ImageBuildRequest extends BuildOptions, Pick<AsWritten, "dockerfile" | "args"> {
  readonly service: string;
  /** The tag translate put in the manifests (e.g. "shop-web:devloop"); the built image is tagged with it too. */
  readonly image: string;
  /** Absolute context directory. */
  readonly context: string;
}

/** The label every devloop-built image carries. */
export const SERVICE_LABEL = "dev.devloop.service";

/**
 * The build options that change what a build produces (labels, the RUN steps' hosts, network, /dev/shm and ulimits,
 * the platform), plus no_cache, pull and the secret and ssh ids, so that turning one on gives a new tag and one real
 * build (content-tag.ts). Secrets by id only: as in BuildKit, a changed secret value does not rebuild.
 */
export interface TagOptions extends Pick<BuildOptions, "labels" | "extraHosts" | "network" | "shmSize" | "ulimits" | "platform" | "noCache" | "pull" | "ssh"> {
  readonly secretIds?: readonly string[];
}

/** The request's build options that feed the content-hash tag (cache_from and tags do not change the image). */
export const contentTagOptions = (request: ImageBuildRequest): TagOptions => ({
  ...(request.labels && Object.keys(request.labels).length > 0 ? { labels: request.labels } : {}),
  ...(request.extraHosts?.length ? { extraHosts: request.extraHosts } : {}),
  ...(request.network === undefined ? {} : { network: request.network }),
  ...(request.shmSize === undefined ? {} : { shmSize: request.shmSize }),
  ...(request.ulimits?.length ? { ulimits: request.ulimits } : {}),
  ...(request.platform === undefined ? {} : { platform: request.platform }),
  ...(request.noCache ? { noCache: true } : {}),
  ...(request.pull ? { pull: true } : {}),
  ...(request.secrets?.length ? { secretIds: request.secrets.map((s) => s.id) } : {}),
  ...(request.ssh?.length ? { ssh: request.ssh } : {}),
});
