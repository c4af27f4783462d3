/** Warnings (and errors) for the keys a project uses that support.ts marks ignored or rejected. */
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { hasPath, presentServiceKeys, topLevelKeys } from "./present-keys.js";
import { buildSupport, subKeySupport, SupportStatus, supportFor, topLevelSupport } from "./support.js";

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

/** build.<key> set in a project built in code (no source map): the build keys the image build cannot honour. */
const modelHasBuildKey = (service: ServiceSpec, key: string): boolean => {
  const b = service.build;
  if (b === undefined) return false;
  const set: Readonly<Record<string, unknown>> = {
    additional_contexts: b.additionalContexts,
    cache_to: b.cacheTo,
    entitlements: b.entitlements,
    isolation: b.isolation,
    no_cache_filter: b.noCacheFilter,
    privileged: b.privileged,
    provenance: b.provenance,
    sbom: b.sbom,
    secrets: b.secrets,
    ssh: b.ssh,
  };
  return set[key] !== undefined;
};

const reportKey = (ctx: TranslateContext, path: string, key: string): void => {
  const entry = supportFor(path);
  if (entry === undefined || entry.status === SupportStatus.translated) return;
  const rejected = entry.status === SupportStatus.rejected;
  const what = rejected ? "cannot be translated to Kubernetes" : /^services\.[^.]+\.build\./.test(path) ? "is ignored by devloop's image build" : "is ignored on Kubernetes";
  ctx.report({
    code: rejected ? TranslateCodes.rejectedKey : TranslateCodes.ignoredKey,
    severity: rejected ? "error" : "warning",
    path,
    message: `${key} ${what}: ${entry.note}`,
  });
};

/** build.* keys the BuildKit build does not pass, and a platforms list (a local cluster runs one platform). */
const reportBuildKeys = (ctx: TranslateContext, service: ServiceSpec): void => {
  if (service.build === undefined) return;
  for (const entry of buildSupport) {
    const key = entry.key.replace("services.*.", "");
    const path = `services.${service.name}.${key}`;
    if (hasPath(ctx.project, path) || modelHasBuildKey(service, key.slice("build.".length))) reportKey(ctx, path, key);
  }
  const platforms = service.build.platforms ?? [];
  if (platforms.length > 1) {
    ctx.report({
      code: TranslateCodes.ignoredKey,
      severity: "warning",
      path: `services.${service.name}.build.platforms`,
      message: `build.platforms lists ${platforms.length} platforms (${platforms.join(", ")}): devloop builds one platform at a time for the cluster, so the engine's own platform is built; keep one entry to choose it`,
    });
  }
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
    reportBuildKeys(ctx, service);
  }
};
