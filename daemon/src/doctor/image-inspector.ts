/**
 * The doctor's view of a local image: size, user and the layers that made it. The real one is
 * adapters/docker-image-inspector.ts (dockerode); tests pass a plain object.
 */
export interface ImageLayer {
  /** The instruction that made the layer, as `docker history` shows it. */
  readonly createdBy: string;
  readonly sizeBytes: number;
}

export interface ImageInfo {
  /** The reference that was inspected. */
  readonly ref: string;
  readonly id: string;
  readonly sizeBytes: number;
  /** Config.User; "" when the image runs as root by default. */
  readonly user: string;
  /** Newest first, as `docker history` lists them. */
  readonly layers: readonly ImageLayer[];
}

export interface ImageInspector {
  /** undefined when the image is not present locally. Throws when the engine cannot be reached. */
  inspect(ref: string): Promise<ImageInfo | undefined>;
}
