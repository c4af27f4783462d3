/**
 * The doctor's ImageInspector on the local Docker engine (dockerode): size and user from
 * image.inspect(), layers from image.history(). A missing image is undefined; an unreachable engine
 * is one reworded error, never a raw socket dump.
 */
import Docker from "dockerode";
import type { ImageInfo, ImageInspector, ImageLayer } from "../doctor/image-inspector.js";

export interface DockerImageInspectorOptions {
  /** An existing client; default: dockerode's own defaults (DOCKER_HOST, else /var/run/docker.sock). */
  readonly docker?: Docker;
}

interface EngineError {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
}

const reword = (ref: string, error: unknown): Error => {
  const { statusCode, code, message } = (typeof error === "object" && error !== null ? error : {}) as EngineError;
  if (code === "ENOENT" || code === "ECONNREFUSED" || code === "EACCES") {
    return new Error(`Docker engine not reachable (${code}); start it or set DOCKER_HOST`);
  }
  const reason = statusCode === undefined ? (message ?? String(error)) : `HTTP ${statusCode}`;
  return new Error(`inspect image ${ref}: ${reason}`);
};

const toLayers = (history: unknown): ImageLayer[] =>
  (Array.isArray(history) ? (history as unknown[]) : []).map((entry) => {
    const layer = (typeof entry === "object" && entry !== null ? entry : {}) as { CreatedBy?: unknown; Size?: unknown };
    return {
      createdBy: typeof layer.CreatedBy === "string" ? layer.CreatedBy : "",
      sizeBytes: typeof layer.Size === "number" ? layer.Size : 0,
    };
  });

export const createDockerImageInspector = (options: DockerImageInspectorOptions = {}): ImageInspector => {
  const docker = options.docker ?? new Docker();
  return {
    inspect: async (ref) => {
      const image = docker.getImage(ref);
      let info: Docker.ImageInspectInfo;
      try {
        info = await image.inspect();
      } catch (error) {
        if ((error as EngineError).statusCode === 404) return undefined;
        throw reword(ref, error);
      }
      let history: unknown;
      try {
        history = await image.history();
      } catch (error) {
        throw reword(ref, error);
      }
      return {
        ref,
        id: info.Id,
        sizeBytes: info.Size,
        user: info.Config.User ?? "",
        layers: toLayers(history),
      } satisfies ImageInfo;
    },
  };
};
