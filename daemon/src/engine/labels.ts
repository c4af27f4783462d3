/**
 * What the engine adds to the one label vocabulary (translate/labels.ts, which every label and annotation key comes
 * from): the input-hash annotation it stamps on workloads, and the label selectors that watch, prune and down use to
 * find objects whatever the translation put there.
 */
import { LABEL_PREFIX, Labels } from "../translate/labels.js";

export const inputHashAnnotation = `${LABEL_PREFIX}/input-hash`;

export const projectSelector = (project: string): string => `${Labels.project}=${project}`;
export const serviceSelector = (project: string, service: string): string => `${Labels.project}=${project},${Labels.service}=${service}`;
