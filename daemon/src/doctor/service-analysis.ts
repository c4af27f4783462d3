/**
 * Everything the checks look at for one service, gathered once: its Dockerfile parsed into stages,
 * its build context listing, its local image, its doctor settings and how to point at places.
 */
import path from "node:path";
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import { scanContext } from "./context-scan.js";
import type { ContextScan } from "./context-scan.js";
import { serviceDoctorConfig } from "./doctor-config.js";
import type { ServiceDoctorConfig } from "./doctor-config.js";
import type { DoctorFileSystem } from "./doctor-file-system.js";
import { parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import type { ParsedDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { resolveStages } from "../image/dockerfile/stages.js";
import type { StageGraph, StageOptions } from "../image/dockerfile/stages.js";
import type { ImageInfo } from "./image-inspector.js";
import { createDockerfileLocator } from "./locate.js";
import type { DisplayPath, DockerfileLocator, Locator } from "./locate.js";
import type { DoctorThresholds } from "./thresholds.js";

export interface DockerfileView {
  /** Absolute path; undefined for dockerfile_inline. */
  readonly path?: string;
  readonly parsed: ParsedDockerfile;
  readonly graph: StageGraph;
  readonly locate: DockerfileLocator;
}

export interface ServiceAnalysis {
  readonly project: ComposeProject;
  readonly service: ServiceSpec;
  /** Present when the service has build: and its Dockerfile could be read. */
  readonly dockerfile?: DockerfileView;
  /** Present when the service has build: and its context directory exists. */
  readonly context?: ContextScan;
  /** The service's image as found in the local engine, when an inspector was given and it exists. */
  readonly image?: ImageInfo;
  /** The base image of the final stage (the external FROM its chain starts from), when present locally. */
  readonly baseImage?: ImageInfo;
  readonly config: ServiceDoctorConfig;
  readonly thresholds: DoctorThresholds;
  readonly locate: Locator;
  readonly fs: DoctorFileSystem;
  /** The text of a compose file line (1-based), for telling literals from interpolated values. */
  composeLine(file: string, line: number): string | undefined;
}

export interface AnalyzeParams {
  readonly project: ComposeProject;
  readonly service: ServiceSpec;
  readonly fs: DoctorFileSystem;
  readonly thresholds: DoctorThresholds;
  readonly locate: Locator;
  readonly display: DisplayPath;
  readonly image?: ImageInfo;
  readonly composeLine: (file: string, line: number) => string | undefined;
}

const stageOptions = (build: { readonly args: Readonly<Record<string, string>>; readonly target?: string }): StageOptions => ({
  buildArgs: build.args,
  ...(build.target === undefined ? {} : { target: build.target }),
});

const readDockerfile = async (params: AnalyzeParams): Promise<DockerfileView | undefined> => {
  const build = params.service.build;
  if (!build) return undefined;
  if (build.dockerfileInline !== undefined) {
    const parsed = parseDockerfile(build.dockerfileInline);
    const at = params.locate.compose(`services.${params.service.name}.build.dockerfile_inline`);
    return { parsed, graph: resolveStages(parsed, stageOptions(build)), locate: createDockerfileLocator({ kind: "inline", at }, params.display) };
  }
  const file = path.resolve(build.context, build.dockerfile);
  const text = await params.fs.readText(file);
  if (text === undefined) return undefined;
  const parsed = parseDockerfile(text);
  return {
    path: file,
    parsed,
    graph: resolveStages(parsed, stageOptions(build)),
    locate: createDockerfileLocator({ kind: "file", path: file }, params.display),
  };
};

export const analyzeService = async (params: AnalyzeParams): Promise<ServiceAnalysis> => {
  const build = params.service.build;
  const dockerfile = await readDockerfile(params);
  const context = build ? await scanContext(params.fs, build.context, path.resolve(build.context, build.dockerfile)) : undefined;
  return {
    project: params.project,
    service: params.service,
    ...(dockerfile ? { dockerfile } : {}),
    ...(context ? { context } : {}),
    ...(params.image ? { image: params.image } : {}),
    config: serviceDoctorConfig(params.project, params.service),
    thresholds: params.thresholds,
    locate: params.locate,
    fs: params.fs,
    composeLine: params.composeLine,
  };
};
