/** Warnings (and errors) for the keys a project uses that support.ts marks ignored or rejected. */
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { hasPath, presentServiceKeys, topLevelKeys } from "./present-keys.js";
import { subKeySupport, SupportStatus, supportFor, topLevelSupport } from "./support.js";

/** Sub-keys the model carries (the source map only records a service's direct keys). */
const modelHasSubKey = (service: ServiceSpec, key: string): boolean => {
  switch (key) {
    case "healthcheck.start_interval":
      return service.healthcheck?.startInterval !== undefined;
    case "deploy.resources.limits.pids":
      return service.deploy?.resources.limits?.pids !== undefined;
    default:
      return false;
  }
};

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

export const reportUnsupportedKeys = (ctx: TranslateContext): void => {
  const written = topLevelKeys(ctx.project);
  for (const key of topLevelSupport.map((e) => e.key).filter((k) => written.has(k))) reportKey(ctx, key, key);
  for (const service of Object.values(ctx.project.services)) {
    for (const key of presentServiceKeys(ctx.project, service)) {
      reportKey(ctx, `services.${service.name}.${key}`, key);
    }
    for (const sub of subKeySupport) {
      const key = sub.key.replace("services.*.", "");
      const path = `services.${service.name}.${key}`;
      // pids_limit also fills deploy.resources.limits.pids: its own warning says it once.
      if (key === "deploy.resources.limits.pids" && hasPath(ctx.project, `services.${service.name}.pids_limit`)) continue;
      if (hasPath(ctx.project, path) || modelHasSubKey(service, key)) reportKey(ctx, path, key);
    }
  }
};
