/**
 * An ImageBuildRequest as the classic Docker /build API takes it (Docker 20.10, no BuildKit): the query options
 * dockerode's buildImage sends, and the build options that are part of the content-hash tag. Pure.
 */
import type { ImageBuildRequest } from "../ports/image-builder.js";
import type { ContentTagParams } from "./content-tag.js";

/** The label every devloop-built image carries. */
export const SERVICE_LABEL = "dev.devloop.service";

/** dockerode buildImage options: objects are sent as JSON, arrays as repeated query parameters (cachefrom as JSON). */
export interface ClassicBuildQuery {
  readonly t: string;
  readonly dockerfile: string;
  readonly buildargs: Record<string, string>;
  readonly target?: string;
  readonly rm: true;
  readonly forcerm: true;
  readonly labels: Record<string, string>;
  readonly cachefrom?: string[];
  readonly extrahosts?: string[];
  readonly networkmode?: string;
  readonly shmsize?: number;
  readonly nocache?: true;
  readonly pull?: true;
  readonly platform?: string;
  /** JSON of [{ Name, Soft, Hard }] (the API reads it with json.Unmarshal; dockerode would repeat an array). */
  readonly ulimits?: string;
}

/** The query for building `request` as `tag`; `dockerfile` is the context-relative name actually sent. */
export const classicBuildQuery = (request: ImageBuildRequest, tag: string, dockerfile: string): ClassicBuildQuery => ({
  t: tag,
  dockerfile,
  buildargs: { ...request.args },
  ...(request.target ? { target: request.target } : {}),
  rm: true,
  forcerm: true,
  labels: { ...request.labels, [SERVICE_LABEL]: request.service },
  ...(request.cacheFrom?.length ? { cachefrom: [...request.cacheFrom] } : {}),
  ...(request.extraHosts?.length ? { extrahosts: [...request.extraHosts] } : {}),
  ...(request.network === undefined ? {} : { networkmode: request.network }),
  ...(request.shmSize === undefined ? {} : { shmsize: request.shmSize }),
  ...(request.noCache ? { nocache: true as const } : {}),
  ...(request.pull ? { pull: true as const } : {}),
  ...(request.platform === undefined ? {} : { platform: request.platform }),
  ...(request.ulimits?.length ? { ulimits: JSON.stringify(request.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard }))) } : {}),
});

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
