/** The doctor's public surface: run it, group and render its findings, and the codes it can report. */
export { runDoctor } from "./run-doctor.js";
export type { DoctorDeps } from "./run-doctor.js";
export type { Finding } from "./finding.js";
export { groupFindingsByService, hasErrorFindings } from "./finding.js";
export { DOCTOR_CODES, isDoctorCode } from "./codes.js";
export type { DoctorCode, DoctorCodeInfo } from "./codes.js";
export type { DoctorFileSystem, ContextFile } from "./doctor-file-system.js";
export { nodeDoctorFileSystem } from "./node-doctor-file-system.js";
export type { ImageInfo, ImageInspector, ImageLayer } from "./image-inspector.js";
export { DEFAULT_THRESHOLDS } from "./thresholds.js";
export type { DoctorThresholds, ImageKind } from "./thresholds.js";
export { renderFinding, renderFindings, summarizeFindings } from "./render-findings.js";
export type { RenderFindingsOptions } from "./render-findings.js";
export { createDoctorReport } from "./doctor-report.js";
export type { DoctorReport } from "./doctor-report.js";
export { relativeTo } from "./locate.js";
