/**
 * What the build context sends: DL-DOCTOR-006 secret files not excluded, DL-DOCTOR-007 a large context,
 * DL-DOCTOR-008 no .dockerignore, DL-DOCTOR-015 large data files.
 */
import path from "node:path";
import type { FindingDraft } from "../finding.js";
import { isSecretFileName } from "../../image/secret-patterns.js";
import type { ServiceAnalysis } from "../service-analysis.js";
import { formatBytes } from "../thresholds.js";
import type { DoctorCheck } from "./check.js";
import { copySources, finalChain } from "./check.js";

/** The biggest top-level entries of the context, for the size message. */
const biggestEntries = (analysis: ServiceAnalysis, count: number): string => {
  const totals = new Map<string, number>();
  for (const file of analysis.context?.files ?? []) {
    const top = file.path.includes("/") ? `${file.path.slice(0, file.path.indexOf("/"))}/` : file.path;
    totals.set(top, (totals.get(top) ?? 0) + file.size);
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([entry, bytes]) => `${entry} ${formatBytes(bytes)}`)
    .join(", ");
};

/** Does the final image COPY/ADD the whole context (COPY . .)? */
const copiesWholeContext = (analysis: ServiceAnalysis): boolean =>
  finalChain(analysis).some((stage) =>
    stage.instructions.some(
      (instruction) =>
        (instruction.keyword === "COPY" || instruction.keyword === "ADD") &&
        instruction.flags["from"] === undefined &&
        copySources(instruction).some((source) => /^(?:\.\/?|\*|\.\/\*)$/.test(source)),
    ),
  );

export const contextFilesCheck: DoctorCheck = {
  name: "context-files",
  codes: ["DL-DOCTOR-006", "DL-DOCTOR-007", "DL-DOCTOR-008", "DL-DOCTOR-015"],
  run: (analysis) => {
    const context = analysis.context;
    if (!context) return [];
    const service = analysis.service.name;
    const contextKey = analysis.service.build?.dockerfileInline === undefined ? `services.${service}.build.context` : `services.${service}.build`;
    const drafts: FindingDraft[] = [];
    const baked = copiesWholeContext(analysis);
    for (const file of context.files) {
      if (!isSecretFileName(path.posix.basename(file.path))) continue;
      drafts.push({
        code: "DL-DOCTOR-006",
        at: analysis.locate.file(path.join(context.dir, file.path), contextKey),
        message: `${file.path} looks like a secret file and is not excluded from the build context${baked ? "; COPY . puts it in the image" : ""}`,
        fix: `add \`${file.path}\` to ${context.ignoreFile === undefined ? "a new .dockerignore" : path.basename(context.ignoreFile)} (and rotate it if an image with it was pushed)`,
      });
    }
    if (context.totalBytes > analysis.thresholds.contextBytes) {
      drafts.push({
        code: "DL-DOCTOR-007",
        at: analysis.locate.compose(contextKey),
        message: `build context is ${formatBytes(context.totalBytes)} (${context.totalBytes} bytes, ${context.files.length} files) after .dockerignore, over ${formatBytes(analysis.thresholds.contextBytes)}; biggest: ${biggestEntries(analysis, 3)}`,
        got: `${context.totalBytes} bytes`,
      });
    }
    if (context.ignoreFile === undefined) {
      drafts.push({ code: "DL-DOCTOR-008", at: analysis.locate.compose(contextKey), message: `build context ${analysis.locate.file(context.dir).file} has no .dockerignore` });
    }
    for (const file of context.files) {
      if (file.size <= analysis.thresholds.largeFileBytes) continue;
      drafts.push({
        code: "DL-DOCTOR-015",
        at: analysis.locate.file(path.join(context.dir, file.path), contextKey),
        message: `${file.path} (${formatBytes(file.size)}) is in the build context${baked ? " and COPY . puts it in the image" : ""}`,
        got: `${file.size} bytes`,
      });
    }
    return drafts;
  },
};
