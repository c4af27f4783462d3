/**
 * DL-DOCTOR-002: base images (every FROM, ARG defaults and compose build args resolved) and service
 * images that float: latest, no tag, a major-only tag, or a tag with no version at all.
 */
import type { ImagePinning } from "../../image/dockerfile/image-ref.js";
import { imagePinning, parseImageRef } from "../../image/dockerfile/image-ref.js";
import type { FindingDraft, FindingLocation } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { stageLabel } from "./check.js";

const describe = (pinning: ImagePinning): string | undefined => {
  switch (pinning.kind) {
    case "latest":
      return "uses the moving tag latest";
    case "no-tag":
      return "has no tag, so it means latest";
    case "major-only":
      return `pins only the major version (${pinning.tag})`;
    case "no-version":
      return `has a tag with no version (${pinning.tag})`;
    default:
      return undefined;
  }
};

const fixFor = (image: string): string => {
  const { repository } = parseImageRef(image);
  return `pin a full version or a digest: ${repository}:<major.minor.patch>[-variant] or ${repository}@sha256:<digest> (see \`docker image inspect --format '{{.RepoDigests}}' ${image}\`)`;
};

const draft = (image: string, at: FindingLocation, subject: string): FindingDraft | undefined => {
  const problem = describe(imagePinning(image));
  return problem === undefined ? undefined : { code: "DL-DOCTOR-002", at, message: `${subject} ${problem}`, fix: fixFor(image) };
};

export const unpinnedImageCheck: DoctorCheck = {
  name: "unpinned-image",
  codes: ["DL-DOCTOR-002"],
  run: (analysis) => {
    const { service } = analysis;
    const drafts: FindingDraft[] = [];
    if (!service.build && service.image !== undefined) {
      const found = draft(service.image, analysis.locate.compose(`services.${service.name}.image`), `image ${service.image}`);
      if (found) drafts.push(found);
    }
    const dockerfile = analysis.dockerfile;
    if (!dockerfile) return drafts;
    for (const stage of dockerfile.graph.stages) {
      const { base } = stage;
      if (stage.parent !== undefined || base.image === "" || base.unresolved.length > 0 || base.image.toLowerCase() === "scratch") continue;
      const viaArg = base.fromBuildArgs[0];
      const at =
        viaArg === undefined
          ? dockerfile.locate.instruction(stage.from, `${stageLabel(stage)} FROM`)
          : analysis.locate.compose(`services.${service.name}.build.args.${viaArg}`);
      const subject =
        base.raw === base.image
          ? `FROM ${base.image}`
          : `FROM ${base.raw} resolves to ${base.image}${viaArg === undefined ? "" : ` (build arg ${viaArg})`}, which`;
      const found = draft(base.image, at, subject);
      if (found) drafts.push(found);
    }
    return drafts;
  },
};
