/** One service "app" built from /p/app, run through runDoctor with an in-memory file system. */
import { project } from "../../compose/test-project.js";
import type { ServiceInput } from "../../compose/test-project.js";
import type { ComposeProject, SourceMap } from "../../compose/types.js";
import type { Finding } from "../finding.js";
import type { ImageInspector } from "../image-inspector.js";
import { createMemoryDoctorFileSystem } from "../memory-doctor-file-system.js";
import type { MemoryFile } from "../memory-doctor-file-system.js";
import { runDoctor } from "../run-doctor.js";
import type { DoctorThresholds } from "../thresholds.js";

/** compose/test-project.ts's project, named "demo" in /p as the doctor tests' files and image names expect. */
export const makeProject = (services: Readonly<Record<string, ServiceInput>>, overrides: Partial<ComposeProject> = {}): ComposeProject =>
  project(services, { name: "demo", workingDir: "/p", ...overrides });

export interface HarnessParams {
  /** The Dockerfile text at /p/app/Dockerfile; undefined = an image-only service unless service says otherwise. */
  readonly dockerfile?: string;
  /** More files, keys relative to /p (e.g. "app/.env"). A .dockerignore is added unless given or null. */
  readonly files?: Readonly<Record<string, MemoryFile | null>>;
  readonly service?: ServiceInput;
  readonly images?: ImageInspector;
  readonly thresholds?: Partial<DoctorThresholds>;
  readonly sourceMap?: SourceMap;
  readonly extensions?: Record<string, unknown>;
}

export const runHarness = async (params: HarnessParams): Promise<Finding[]> => {
  const files: Record<string, MemoryFile> = {};
  if (params.dockerfile !== undefined) {
    files["/p/app/Dockerfile"] = params.dockerfile;
    files["/p/app/.dockerignore"] = ".git\n";
  }
  for (const [relative, content] of Object.entries(params.files ?? {})) {
    if (content === null) delete files[`/p/${relative}`];
    else files[`/p/${relative}`] = content;
  }
  const service: ServiceInput = params.dockerfile !== undefined ? { build: { context: "/p/app" }, ...params.service } : { ...params.service };
  const project = makeProject({ app: service }, { ...(params.sourceMap ? { sourceMap: params.sourceMap } : {}), ...(params.extensions ? { extensions: params.extensions } : {}) });
  return runDoctor(project, {
    fs: createMemoryDoctorFileSystem(files),
    ...(params.images ? { images: params.images } : {}),
    ...(params.thresholds ? { thresholds: params.thresholds } : {}),
  });
};

export const codesOf = (findings: readonly Finding[]): string[] => findings.map((finding) => finding.code);
