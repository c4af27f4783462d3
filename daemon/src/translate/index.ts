/**
 * The pure translation: a resolved ComposeProject → Kubernetes manifests, the depends_on graph, the sync
 * mappings and the translation view. No I/O: templates, image tags and secret/config contents come in
 * through TranslateOptions. The rules per key are in support.ts (and docs/compose-support.md).
 */
import type { ComposeProject } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import { createContext, workloadName } from "./context.js";
import { sortDiagnostics } from "./diagnostics.js";
import { dependencyEdges, reportUncheckedHealthWaits } from "./dependencies.js";
import { buildFileObjects } from "./file-objects.js";
import { buildNetworkPolicies } from "./network-policies.js";
import { reportUnsupportedKeys } from "./ignored-keys.js";
import { aliasServices, buildService, networkAliases } from "./kube-service.js";
import { projectLabels, serviceLabels } from "./labels.js";
import { sidecarBindContainer } from "./bind-mounts.js";
import { joinPod, planJoins, reportJoinedSettings, withJoinEdges } from "./pod-join.js";
import { toDnsLabel, toServiceName, uniqueDnsLabels } from "./names.js";
import { sortManifests } from "./order.js";
import { applyTemplate, withProjectTemplates } from "./templates.js";
import { firstIssueByKey, type ServiceView, translationEntries } from "./translation-view.js";
import type { KubeManifest, ServiceLive, SyncMapping, TranslateOptions, TranslateResult, TranslationEntry } from "./types.js";
import { buildClaim } from "./volume-claim.js";
import { buildWorkload, type WorkloadPlan } from "./workload.js";
import { reportDeployModes, workloadKinds } from "./workload-kind.js";
import { reportWindowsMounts } from "./windows-mounts.js";
import { shapeWorkload } from "./workload-shape.js";

export type { KubeManifest, TranslateOptions, TranslateResult } from "./types.js";
export { defaultNamespace } from "./namespace.js";
export { awaitedServices } from "./workload-kind.js";

export const toManifests = (project: ComposeProject, options: TranslateOptions): TranslateResult => {
  const serviceKeys = Object.keys(project.services);
  const workloadNames = uniqueDnsLabels(serviceKeys);
  const serviceNames = uniqueDnsLabels(serviceKeys, toServiceName);
  const ctx = createContext(project, { ...options, namespace: toDnsLabel(options.namespace) }, { workloadNames, serviceNames });

  for (const name of serviceKeys) {
    const k8sName = serviceNames.get(name) ?? name;
    if (k8sName !== name) {
      ctx.report({
        code: TranslateCodes.renamed,
        path: `services.${name}`,
        message: `service "${name}" is not a valid Kubernetes name (a lowercase DNS label of at most 63 characters), so its Service is "${k8sName}" and the hostname "${name}" does not resolve in the cluster`,
        hint: "use lowercase letters, digits and '-' in service names",
      });
    }
  }
  reportUnsupportedKeys(ctx);
  reportUncheckedHealthWaits(ctx);
  reportDeployModes(ctx);
  reportWindowsMounts(ctx);
  const joins = planJoins(ctx);
  reportJoinedSettings(ctx, joins);
  const templates = withProjectTemplates(ctx, options.templates ?? {});

  const kinds = workloadKinds(project, options.awaitedServices);
  const takenServiceNames = new Set(serviceNames.values());
  const manifests: KubeManifest[] = [];
  const syncMappings: SyncMapping[] = [];
  const live: Record<string, ServiceLive> = {};
  const translation: TranslationEntry[] = [];
  const views: ServiceView[] = [];
  const usedVolumes = new Set<string>();
  const usedSecrets = new Set<string>();
  const usedConfigs = new Set<string>();

  // Secrets and configs first: their contents feed each workload's config hash.
  for (const service of Object.values(project.services)) {
    service.secrets.forEach((s) => usedSecrets.add(s.source));
    service.configs.forEach((c) => usedConfigs.add(c.source));
  }
  const secretObjects = buildFileObjects(ctx, "secret", [...usedSecrets]);
  const configObjects = buildFileObjects(ctx, "config", [...usedConfigs]);
  manifests.push(...secretObjects.manifests, ...configObjects.manifests);
  const contents = (kind: "secret" | "config", key: string): string =>
    (kind === "secret" ? secretObjects.contents[key] : configObjects.contents[key]) ?? "";

  const plans = new Map<string, WorkloadPlan>();
  for (const service of Object.values(project.services)) {
    // A provider service is not run (support.ts warns); nothing is rendered for it.
    if (service.provider !== undefined) continue;
    const kind = kinds.get(service.name) ?? "Deployment";
    const joined = joins.hostOf.has(service.name);
    const built = buildWorkload(ctx, service, { kind: kind === "DaemonSet" ? "Deployment" : kind, contents });
    const plan: WorkloadPlan = joined ? built : { ...built, kind, workload: shapeWorkload(ctx, service, built.workload, kind === "DaemonSet") };
    plans.set(service.name, plan);
  }
  // Sidecars go into their host's pod (pod-join.ts); what their container needs goes with the host's objects.
  for (const [host, sidecars] of joins.sidecarsOf) {
    const hostPlan = plans.get(host);
    if (hostPlan === undefined) continue;
    let workload = hostPlan.workload;
    for (const sidecar of sidecars) {
      const plan = plans.get(sidecar);
      if (plan) workload = joinPod(ctx, workload, { service: sidecar, workload: plan.workload }, joins, (s) => workloadName(ctx, s));
    }
    plans.set(host, { ...hostPlan, workload });
  }
  for (const service of Object.values(project.services)) {
    const plan = plans.get(service.name);
    if (plan === undefined) continue;
    const host = joins.hostOf.get(service.name);
    const owner = host === undefined ? undefined : serviceLabels(project.name, host);
    const relabel = (m: KubeManifest): KubeManifest => (owner === undefined ? m : { ...m, metadata: { ...m.metadata, labels: { ...m.metadata.labels, ...owner } } });
    if (host === undefined) manifests.push(plan.workload);
    if (plan.envSecret) manifests.push(relabel(plan.envSecret));
    if (plan.filesSecret) manifests.push(relabel(plan.filesSecret));
    plan.namedVolumes.forEach((v) => usedVolumes.add(v));
    syncMappings.push(...plan.syncMappings);
    // A sidecar's init containers are renamed in its host's pod (pod-join.ts): so is the one its binds wait in.
    if (plan.live) live[service.name] = host === undefined || plan.live.binds === undefined ? plan.live : { ...plan.live, bindContainer: sidecarBindContainer(plan.live.container) };
    const kubeService = buildService(service, {
      project: project.name,
      namespace: ctx.namespace,
      name: serviceNames.get(service.name) ?? service.name,
      // A sidecar has no name of its own on the network (as under Docker); with ports it gets a Service on its host's pods.
      headlessWhenPortless: plan.kind !== "Job" && host === undefined,
      ...(host === undefined ? {} : { podsOf: host }),
    });
    if (kubeService) {
      manifests.push(kubeService);
      manifests.push(...aliasServices(kubeService, networkAliases(service, takenServiceNames)));
    }
    views.push({ service, plan, hasService: kubeService !== undefined, ...(host === undefined ? {} : { host: plans.get(host) }) });
  }

  const issues = firstIssueByKey(ctx.diagnostics);
  for (const view of views) translation.push(...translationEntries(ctx, view, issues));

  manifests.push(...buildNetworkPolicies(project, ctx.namespace));
  for (const key of usedVolumes) {
    const claim = buildClaim(project, key, ctx.namespace);
    if (claim) manifests.push(claim);
  }
  if (options.includeNamespace !== false) {
    manifests.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ctx.namespace, labels: projectLabels(project.name) } });
  }

  const seen = new Set<string>();
  for (const m of manifests) {
    const id = `${m.kind}/${m.metadata.name}`;
    if (seen.has(id)) {
      ctx.report({ code: TranslateCodes.duplicateName, severity: "error", path: "", message: `two generated objects are named ${id}; rename one of the compose objects they come from` });
    }
    seen.add(id);
  }

  return {
    manifests: sortManifests(manifests.map((m) => applyTemplate(m, templates))),
    dependencies: withJoinEdges(dependencyEdges(project), joins.hostOf),
    syncMappings,
    live,
    translation,
    warnings: sortDiagnostics(ctx.diagnostics, project.composeFiles),
  };
};
