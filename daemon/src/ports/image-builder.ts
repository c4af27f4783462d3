/**
 * Building service images (compose build:) before apply. Implemented by adapters/dockerode-image-builder.ts: the
 * context is tarred honouring .dockerignore, the image gets a content-hash tag ("<repo>:dl-<12 hex>") and the build is
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
  /** build.cache_from: images whose layers the classic builder may reuse (cachefrom). */
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

export interface ImageBuilder {
  /** Whether the image is present where the cluster runs it. */
  exists(image: string): Promise<boolean>;
  /** Builds (or skips), tags and delivers; onLine gets the build output. Rejects with a readable message. */
  build(request: ImageBuildRequest, onLine: (line: string) => void): Promise<ImageBuildResult>;
}
