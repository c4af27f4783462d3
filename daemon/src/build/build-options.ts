/**
 * The build options of an ImageBuildRequest that are part of the content-hash tag, and the label every devloop-built
 * image carries (the BuildKit argv is buildkit-command.ts). Pure.
 */
import type { ImageBuildRequest } from "../ports/image-builder.js";
import type { ContentTagParams } from "./content-tag.js";

/** The label every devloop-built image carries. */
export const SERVICE_LABEL = "dev.devloop.service";

type TagOptions = Pick<ContentTagParams, "labels" | "extraHosts" | "network" | "shmSize" | "ulimits" | "platform" | "noCache" | "pull" | "secretIds" | "ssh">;

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
