/** A small project for controller tests: cache (healthy-gated), migrate (a Job), api, web depending on all three. */
import type { LoadedProject, ProjectLoadResult } from "../../ports/project-loader.js";
import type { DependencyEdge, KubeManifest } from "../../translate/types.js";

const deployment = (name: string, namespace: string): KubeManifest => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace, labels: { "devloop.dev/service": name } },
  spec: { replicas: 1, selector: { matchLabels: { "devloop.dev/service": name } }, template: { metadata: { labels: { "devloop.dev/service": name } }, spec: { containers: [{ name, image: `${name}:dev` }] } } },
});
const job = (name: string, namespace: string): KubeManifest => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace, labels: { "devloop.dev/service": name } },
  spec: { backoffLimit: 0, template: { metadata: { labels: { "devloop.dev/service": name } }, spec: { restartPolicy: "Never", containers: [{ name, image: `${name}:dev` }] } } },
});
const service = (name: string, namespace: string, port: number): KubeManifest => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace, labels: { "devloop.dev/service": name } },
  spec: { selector: { "devloop.dev/service": name }, ports: [{ port }] },
});

export const shopEdges: DependencyEdge[] = [
  { service: "migrate", dependsOn: "cache", condition: "service_healthy", required: true, restart: false },
  { service: "web", dependsOn: "cache", condition: "service_healthy", required: true, restart: false },
  { service: "web", dependsOn: "migrate", condition: "service_completed_successfully", required: true, restart: false },
  { service: "web", dependsOn: "api", condition: "service_started", required: true, restart: false },
];

export const shopProject = (opts: { namespace?: string; services?: readonly string[]; webImage?: string } = {}): LoadedProject => {
  const namespace = opts.namespace ?? "shop-dev";
  const services = opts.services ?? ["web", "api", "cache", "migrate"];
  const all: Record<string, KubeManifest[]> = {
    web: [deployment("web", namespace), service("web", namespace, 3000)],
    api: [deployment("api", namespace), service("api", namespace, 8081)],
    cache: [deployment("cache", namespace), service("cache", namespace, 6379)],
    migrate: [job("migrate", namespace)],
  };
  if (opts.webImage !== undefined && all["web"]?.[0]) {
    const web = all["web"][0] as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    web.spec.template.spec.containers[0]!.image = opts.webImage;
  }
  return {
    name: "shop",
    namespace,
    composeFiles: ["/p/compose.yml"],
    services,
    manifests: services.flatMap((s) => all[s] ?? []),
    dependencies: shopEdges.filter((e) => services.includes(e.service)),
    ports: [{ service: "web", published: 8080, target: 3000, protocol: "tcp" }],
    builds: {},
    warnings: [],
  };
};

export const ok = (project: LoadedProject): ProjectLoadResult => ({ ok: true, project });
