/**
 * Building service images (compose build:) before apply. Not wired yet: the build controller of the image-build
 * issue implements it (dockerode) and reports through new actions; until then services with build: need their
 * image (LoadedProject.builds: service → expected tag) present on the node.
 */
export interface ImageBuildRequest {
  readonly service: string;
  /** The tag translate put in the manifests (e.g. "shop-web:devloop"). */
  readonly image: string;
  /** Absolute context directory. */
  readonly context: string;
  readonly dockerfile: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
}

export interface ImageBuilder {
  /** Whether the image is present where the cluster runs it. */
  exists(image: string): Promise<boolean>;
  /** Builds and tags; onLine gets the build output. Rejects with a readable message. */
  build(request: ImageBuildRequest, onLine: (line: string) => void): Promise<void>;
}
