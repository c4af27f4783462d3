/**
 * Building service images (compose build:) before apply. Implemented by adapters/dockerode-image-builder.ts, which
 * builds with BuildKit through the Docker CLI (adapters/docker-cli-build-runner.ts): the image gets a content-hash tag ("<repo>:dl-<12 hex>") and the build is
 * skipped when an image with that tag exists; the image is then delivered to the cluster (see build/image-delivery.ts).
 * The result's `ref` is what the manifests should run (translate's chooseImage overrides: service → ref).
 */
import type { ImageBuildRequest } from "../build/build-options.js";
import type { ImageDelivery } from "../build/image-delivery.js";

// The request is build/'s one build-options type (pure code builds it); the port names it as part of its contract.
export type { BuildSecretSource, ImageBuildRequest } from "../build/build-options.js";

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
   * An image's ENTRYPOINT and CMD on this builder's Docker engine; undefined when it is not there or the engine cannot
   * be asked (engine/bind-wait.ts: only used when the kubelet runs on that engine).
   */
  imageCommand?(image: string): Promise<ImageCommand | undefined>;
  /**
   * Builds (or skips), tags and delivers; onLine gets the build output, onProgress the running step. `environment`:
   * the environment of the CLI call that asked for the project (ProjectRequest.options.environment), where
   * environment-sourced build secrets are read first (the daemon's own environment after it); read at build time only.
   * Rejects with a readable message (the failing step and its output). `options.noBuild`: see ImageBuildOptions.
   */
  build(
    request: ImageBuildRequest,
    onLine: (line: string) => void,
    onProgress?: (progress: BuildStepProgress) => void,
    environment?: Readonly<Record<string, string | undefined>>,
    options?: ImageBuildOptions,
  ): Promise<ImageBuildResult>;
}

export interface ImageBuildOptions {
  /**
   * `up --no-build`, Compose's "don't build an image, even if it's missing": when the content-hash tag does not
   * exist, run the image the service's name points at (request.image, which every build tags) if it exists, and
   * reject naming the service when neither does. Nothing is built.
   */
  readonly noBuild?: boolean;
  /** How this build reaches the cluster (the project's decision, ports/delivery-planner.ts); default: the builder's own. */
  readonly delivery?: ImageDelivery;
}
