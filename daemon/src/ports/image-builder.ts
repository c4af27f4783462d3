/**
 * Building service images (compose build:) before apply. Implemented by adapters/dockerode-image-builder.ts, which
 * builds with BuildKit through the Docker CLI (adapters/docker-cli-build-runner.ts): the image gets a content-hash tag ("<repo>:dl-<12 hex>") and the build is
 * skipped when an image with that tag exists; the image is then delivered to the cluster (see build/image-delivery.ts).
 * The result's `ref` is what the manifests should run (translate's chooseImage overrides: service → ref).
 */
import type { BuildUlimit } from "../compose/types.js";

export interface ImageBuildRequest {
  readonly service: string;
  /** The tag translate put in the manifests (e.g. "shop-web:devloop"); the built image is tagged with it too. */
  readonly image: string;
  /** Absolute context directory. */
  readonly context: string;
  readonly dockerfile: string;
  /** build.dockerfile_inline: the Dockerfile's text; sent as an extra context file, `dockerfile` is then ignored. */
  readonly dockerfileInline?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
  /** build.labels; the adapter adds its own dev.devloop.service label. */
  readonly labels?: Readonly<Record<string, string>>;
  /** build.cache_from: images or cache sources whose layers the build may reuse (--cache-from). */
  readonly cacheFrom?: readonly string[];
  /** build.extra_hosts as "host:ip" (extrahosts). */
  readonly extraHosts?: readonly string[];
  /** build.network: the RUN steps' network mode (networkmode). */
  readonly network?: string;
  /** build.shm_size in bytes (shmsize). */
  readonly shmSize?: number;
  /** build.no_cache (nocache): no layer cache when a build runs; see build/README.md for the content-hash skip. */
  readonly noCache?: boolean;
  /** build.pull (pull): pull the FROM images when a build runs. */
  readonly pull?: boolean;
  /** build.platforms with exactly one entry (platform). */
  readonly platform?: string;
  /** build.ulimits for the RUN steps (ulimits). */
  readonly ulimits?: readonly BuildUlimit[];
  /** build.tags: more names the image is tagged with after the build (or skip). */
  readonly tags?: readonly string[];
  /** build.cache_to (--cache-to with buildx; "type=inline" with the legacy CLI). */
  readonly cacheTo?: readonly string[];
  /** build.secrets resolved to their top-level source (a path or a variable name, never the value). */
  readonly secrets?: readonly BuildSecretSource[];
  /** build.ssh: "default" or "id=path[,path]" (--ssh). */
  readonly ssh?: readonly string[];
  /** build.additional_contexts: name → absolute directory or "docker-image://ref". */
  readonly additionalContexts?: Readonly<Record<string, string>>;
}

/** Where a build secret's value comes from; the value itself is read by the adapter at build time only. */
export interface BuildSecretSource {
  readonly id: string;
  /** Absolute path of the file (secrets.<id>.file). */
  readonly file?: string;
  /** Variable (secrets.<id>.environment) in the environment of the `up` that asked for the build, else the daemon's. */
  readonly environment?: string;
}

export interface ImageBuildResult {
  /** The content-hash tag, e.g. "shop-web:dl-3f9a0c1b2d4e". */
  readonly tag: string;
  /** The reference the cluster pulls/uses (the tag, or "<registry>/<tag>" under the registry strategy). */
  readonly ref: string;
  /** True when an image with this tag already existed (nothing built). */
  readonly skipped: boolean;
  readonly ms: number;
  /** The image's ENTRYPOINT and CMD (docker inspect), so the engine can run them under devloop's supervisor. */
  readonly command?: ImageCommand;
}

export interface ImageCommand {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
}

/** The step a build is at: "3/7", "RUN npm ci", cached or running, its last output line. */
export interface BuildStepProgress {
  readonly step?: string;
  readonly name: string;
  readonly state: "running" | "cached" | "done" | "error";
  readonly last?: string;
}

export interface ImageBuilder {
  /** Whether the image is present where the cluster runs it. */
  exists(image: string): Promise<boolean>;
  /**
   * Builds (or skips), tags and delivers; onLine gets the build output, onProgress the running step. `environment`:
   * the environment of the CLI call that asked for the project (ProjectRequest.options.environment), where
   * environment-sourced build secrets are read first (the daemon's own environment after it); read at build time only.
   * Rejects with a readable message (the failing step and its output).
   */
  build(request: ImageBuildRequest, onLine: (line: string) => void, onProgress?: (progress: BuildStepProgress) => void, environment?: Readonly<Record<string, string | undefined>>): Promise<ImageBuildResult>;
}
