/** DL-DOCTOR-001: the container runs as root (no USER in the final stage, USER root, or user: root). */
import { lastInChain } from "../../image/dockerfile/stages.js";
import type { FindingDraft } from "../finding.js";
import type { DoctorCheck } from "./check.js";
import { finalChain, stageLabel } from "./check.js";

export const isRootUser = (user: string): boolean => {
  const name = user.trim().split(":")[0] ?? "";
  return name === "root" || name === "0" || name === "";
};

export const rootUserCheck: DoctorCheck = {
  name: "root-user",
  codes: ["DL-DOCTOR-001"],
  run: (analysis) => {
    const { service } = analysis;
    if (service.user !== undefined) {
      return isRootUser(service.user)
        ? [
            {
              code: "DL-DOCTOR-001",
              at: analysis.locate.compose(`services.${service.name}.user`),
              message: `service sets user: "${service.user}", so it runs as root`,
              fix: "set `user:` to an unprivileged uid (e.g. \"1000\") or remove it if the image already sets a non-root USER",
            },
          ]
        : [];
    }
    const dockerfile = analysis.dockerfile;
    const final = dockerfile?.graph.final;
    if (dockerfile && final) {
      const user = lastInChain(finalChain(analysis), "USER");
      if (user === undefined) {
        const base = analysis.baseImage;
        if (base && !isRootUser(base.user)) return []; // inherits the base image's non-root user
        if (base) {
          return [
            {
              code: "DL-DOCTOR-001",
              at: dockerfile.locate.instruction(final.from, `${stageLabel(final)} FROM`),
              message: `no USER in the final stage, and its base image ${base.ref} sets none: the container runs as root`,
            },
          ];
        }
        return [
          {
            code: "DL-DOCTOR-001",
            at: dockerfile.locate.instruction(final.from, `${stageLabel(final)} FROM`),
            message: `no USER in the final stage (FROM ${final.base.image || final.base.raw}): the container runs as root unless the base image sets a user`,
          },
        ];
      }
      const name = user.body.trim();
      return isRootUser(name)
        ? [{ code: "DL-DOCTOR-001", at: dockerfile.locate.instruction(user, `${stageLabel(final)} USER`), message: `the final stage switches to USER ${name}: the container runs as root` }]
        : [];
    }
    if (!service.build && analysis.image && isRootUser(analysis.image.user)) {
      const finding: FindingDraft = {
        code: "DL-DOCTOR-001",
        at: analysis.locate.compose(`services.${service.name}.image`),
        message: `image ${analysis.image.ref} sets no user and the service has no user:, so it runs as root`,
        fix: `set \`user:\` on the service to the image's unprivileged user or a uid (e.g. "1000")`,
      };
      return [finding];
    }
    return [];
  },
};
