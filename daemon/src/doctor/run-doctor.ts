/**
 * The doctor's entry point: runDoctor(project, deps) → findings, for `devloop doctor`, `devloop status`
 * and the dashboard. Pure apart from the file system and image inspector it is handed.
 */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import { ALL_CHECKS } from "./checks/all-checks.js";
import type { DoctorCheck } from "./checks/check.js";
import { DOCTOR_CODES, isDoctorCode } from "./codes.js";
import type { DoctorFileSystem } from "./doctor-file-system.js";
import type { Finding, FindingDraft } from "./finding.js";
import type { ImageInfo, ImageInspector } from "./image-inspector.js";
import { createLocator, relativeTo, resolveSourceFile } from "./locate.js";
import type { DisplayPath } from "./locate.js";
import { analyzeService } from "./service-analysis.js";
import type { ServiceAnalysis } from "./service-analysis.js";
import { stageChain } from "../image/dockerfile/stages.js";
import { localImageTag } from "../translate/image.js";
import { DEFAULT_THRESHOLDS } from "./thresholds.js";
import type { DoctorThresholds } from "./thresholds.js";

export interface DoctorDeps {
  readonly fs: DoctorFileSystem;
  /** Without one, the image checks (size, user of image-only services) are skipped. */
  readonly images?: ImageInspector;
  readonly thresholds?: Partial<DoctorThresholds>;
  /** How findings name files; default: relative to the project directory. */
  readonly displayPath?: DisplayPath;
  /** Local image names to look for, best first; default: image:, else "<project>-<service>" (what compose builds). */
  readonly imageRefs?: (project: ComposeProject, service: ServiceSpec) => readonly string[];
  /** Services to check; default: every enabled service. */
  readonly services?: readonly string[];
  /** Told why something was skipped (engine unreachable…); never about findings. */
  readonly onNote?: (note: string) => void;
}

/** image:, else the tag devloop builds (<project>-<service>:devloop), then the names compose v2 and v1 build. */
const defaultImageRefs = (project: ComposeProject, service: ServiceSpec): readonly string[] =>
  service.image !== undefined
    ? [service.image]
    : [localImageTag(project.name, service.name), `${project.name}-${service.name}`, `${project.name}_${service.name}`];

/** The external image the final stage's chain starts FROM; undefined for scratch or an unresolved FROM. */
const finalBaseImage = (analysis: ServiceAnalysis): string | undefined => {
  const graph = analysis.dockerfile?.graph;
  if (!graph?.final) return undefined;
  const root = stageChain(graph, graph.final).at(-1);
  const image = root?.base.image ?? "";
  return image === "" || image.toLowerCase() === "scratch" || (root?.base.unresolved.length ?? 0) > 0 ? undefined : image;
};

const findImage = async (refs: readonly string[], images: ImageInspector): Promise<ImageInfo | undefined> => {
  for (const ref of refs) {
    const found = await images.inspect(ref);
    if (found) return found;
  }
  return undefined;
};

const toFinding = (service: string, draft: FindingDraft): Finding => {
  const info = DOCTOR_CODES[draft.code];
  const fix = draft.fix ?? info.fix;
  return {
    code: draft.code,
    severity: info.severity,
    file: draft.at.file,
    line: draft.at.line,
    column: draft.at.column,
    path: draft.at.path,
    service,
    message: draft.message,
    why: info.why,
    fix,
    hint: fix,
    ...(draft.got === undefined ? {} : { got: draft.got }),
    ...("sensitive" in info && info.sensitive ? { sensitive: true as const } : {}),
  };
};

const compareFindings = (a: Finding, b: Finding): number =>
  a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);

export const runDoctor = async (project: ComposeProject, deps: DoctorDeps, checks: readonly DoctorCheck[] = ALL_CHECKS): Promise<Finding[]> => {
  const thresholds: DoctorThresholds = { ...DEFAULT_THRESHOLDS, ...deps.thresholds };
  const display = deps.displayPath ?? relativeTo(project.workingDir);
  const composeTexts = new Map<string, readonly string[] | undefined>();
  for (const file of new Set(Object.values(project.sourceMap).map((location) => resolveSourceFile(project, location.file)))) {
    composeTexts.set(file, (await deps.fs.readText(file))?.split(/\r?\n/));
  }
  const composeLine = (file: string, line: number): string | undefined => composeTexts.get(file)?.[line - 1];
  const locate = createLocator(project, display, composeLine);
  let images = deps.images;
  const findings: Finding[] = [];
  const wanted = deps.services ?? Object.keys(project.services);
  for (const name of wanted) {
    const service = project.services[name];
    if (!service) continue;
    let image: ImageInfo | undefined;
    if (images) {
      try {
        image = await findImage((deps.imageRefs ?? defaultImageRefs)(project, service), images);
      } catch (error) {
        deps.onNote?.(`image checks skipped: ${error instanceof Error ? error.message : String(error)}`);
        images = undefined;
      }
    }
    let analysis = await analyzeService({ project, service, fs: deps.fs, thresholds, locate, display, composeLine, ...(image ? { image } : {}) });
    const base = images ? finalBaseImage(analysis) : undefined;
    if (images && base !== undefined) {
      try {
        const baseImage = await images.inspect(base);
        if (baseImage) analysis = { ...analysis, baseImage };
      } catch (error) {
        deps.onNote?.(`image checks skipped: ${error instanceof Error ? error.message : String(error)}`);
        images = undefined;
      }
    }
    if (service.build && !analysis.dockerfile) {
      deps.onNote?.(`services.${name}: Dockerfile ${service.build.dockerfile} not found in ${display(service.build.context)}; its checks were skipped`);
    }
    for (const code of analysis.config.ignore) {
      if (!isDoctorCode(code)) deps.onNote?.(`services.${name}: x-devloop.doctor.ignore names an unknown code ${code}`);
    }
    const ownFindings: Finding[] = [];
    for (const check of checks) {
      if (check.codes.every((code) => analysis.config.ignore.has(code))) continue;
      for (const draft of await check.run(analysis)) {
        if (!analysis.config.ignore.has(draft.code)) ownFindings.push(toFinding(name, draft));
      }
    }
    findings.push(...ownFindings.sort(compareFindings));
  }
  return findings;
};
