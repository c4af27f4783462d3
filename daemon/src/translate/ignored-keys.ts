/** Warnings (and errors) for the keys a project uses that support.ts marks ignored or rejected. */
import type { ComposeProject } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { hasPath, presentServiceKeys } from "./present-keys.js";
import { subKeySupport, SupportStatus, supportFor, topLevelSupport } from "./support.js";

const reportKey = (ctx: TranslateContext, path: string, key: string): void => {
  const entry = supportFor(path);
  if (entry === undefined || entry.status === SupportStatus.translated) return;
  const rejected = entry.status === SupportStatus.rejected;
  ctx.report({
    code: rejected ? TranslateCodes.rejectedKey : TranslateCodes.ignoredKey,
    severity: rejected ? "error" : "warning",
    path,
    message: `${key} ${rejected ? "cannot be translated to Kubernetes" : "is ignored on Kubernetes"}: ${entry.note}`,
  });
};

const topLevelKeys = (project: ComposeProject): string[] => {
  const keys = new Set(
    Object.keys(project.sourceMap)
      .map((p) => /^[^.[]+/.exec(p)?.[0] ?? "")
      .filter((k) => k !== ""),
  );
  return topLevelSupport.map((e) => e.key).filter((k) => keys.has(k));
};

export const reportUnsupportedKeys = (ctx: TranslateContext): void => {
  for (const key of topLevelKeys(ctx.project)) reportKey(ctx, key, key);
  for (const service of Object.values(ctx.project.services)) {
    for (const key of presentServiceKeys(ctx.project, service)) {
      reportKey(ctx, `services.${service.name}.${key}`, key);
    }
    for (const sub of subKeySupport) {
      const path = sub.key.replace("services.*.", `services.${service.name}.`);
      if (hasPath(ctx.project, path)) reportKey(ctx, path, sub.key.replace("services.*.", ""));
    }
  }
};
