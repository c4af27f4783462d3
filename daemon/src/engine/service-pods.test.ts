import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import { toManifests } from "../translate/index.js";
import type { ObservedObject } from "../ports/cluster.js";
import { runsService, serviceOfContainer, sidecarHost } from "./service-pods.js";

const compose = `services:
  web:
    image: web:1
  proxy:
    image: proxy:1
    network_mode: service:web
  worker:
    image: worker:1
    volumes_from: [web:ro]
`;

const translated = (): ReturnType<typeof toManifests> => {
  const loaded = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem({ "/p/compose.yml": compose }));
  if (!loaded.ok) throw new Error("load failed");
  return toManifests(loaded.project, { namespace: "t" });
};

/** The labels of the pods translate's web Deployment makes. */
const podLabels = (): Record<string, string> => {
  const web = translated().manifests.find((m) => m.kind === "Deployment" && m.metadata.name === "web");
  return (web?.["spec"] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
};

describe("a sidecar's pods and container", () => {
  it("finds the host of a sidecar from the translated workload, and none for the host", () => {
    const manifests = translated().manifests;
    expect(sidecarHost(manifests, "proxy")).toBe("web");
    expect(sidecarHost(manifests, "worker")).toBe("web");
    expect(sidecarHost(manifests, "web")).toBeUndefined();
    expect(manifests.filter((m) => m.kind === "Deployment").map((m) => m.metadata.name)).toEqual(["web"]);
  });

  it("counts the host's pods as the sidecar's and names the sidecar's container", () => {
    const labels = podLabels();
    const pod: ObservedObject = { kind: "Pod", name: "web-1", namespace: "t", labels, pod: { phase: "Running", ready: true, restarts: 0, containers: ["web", "proxy", "worker"], deleting: false } };
    expect(runsService(labels, "proxy")).toBe(true);
    expect(runsService(labels, "web")).toBe(true);
    expect(runsService(labels, "db")).toBe(false);
    const services = ["web", "proxy", "worker"];
    expect(pod.pod?.containers.map((c) => serviceOfContainer(labels, c, services))).toEqual(["web", "proxy", "worker"]);
  });
});
