// The bed runs pods from images built on its own Docker engine (no registry): an image built here, and the base
// images scripts/local-cluster makes (the redis one as compose.example.yml runs it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  bedImages,
  buildEchoServerImage,
  createDocker,
  createTestNamespace,
  deleteTestNamespace,
  echoPod,
  execInPod,
  loadBedKubeConfig,
  waitForPodReady,
  waitForPodSucceeded,
} from "./helpers/index.js";

describe("cluster: pods from local images", () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns: string;

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createTestNamespace(kc, "it-pods");
  });
  afterAll(async () => {
    await deleteTestNamespace(kc, ns);
  });

  it("runs a pod from an image built on the bed's Docker engine", async () => {
    const image = await buildEchoServerImage();
    await core.createNamespacedPod({ namespace: ns, body: echoPod({ name: "echo", image, env: { GREETING: "hi" } }) });
    const pod = await waitForPodReady(kc, { namespace: ns, name: "echo", timeoutMs: 60_000 });
    const local = await createDocker().getImage(image).inspect();
    expect(pod.status?.containerStatuses?.[0]?.imageID).toContain(local.Id);
    const log = await core.readNamespacedPodLog({ namespace: ns, name: "echo", container: "echo" });
    expect(log).toContain("listening on 8080");
  });

  it("runs a one-shot pod from the runtime base image to completion", async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "once" },
        spec: {
          restartPolicy: "Never",
          containers: [
            { name: "once", image: bedImages().runtime, imagePullPolicy: "Never", command: ["sh", "-c", "id -u; cat /etc/debian_version"] },
          ],
        },
      },
    });
    await waitForPodSucceeded(kc, { namespace: ns, name: "once", timeoutMs: 60_000 });
    const log = await core.readNamespacedPodLog({ namespace: ns, name: "once" });
    expect(log).toMatch(/^0\n12\.\d+/);
  });

  it("runs the redis base image as uid 999 with --dir /data on an emptyDir", async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "cache" },
        spec: {
          securityContext: { fsGroup: 999 },
          containers: [
            {
              name: "cache",
              image: bedImages().redis,
              imagePullPolicy: "Never",
              command: ["redis-server", "--appendonly", "yes", "--dir", "/data"],
              securityContext: { runAsUser: 999 },
              volumeMounts: [{ name: "data", mountPath: "/data" }],
              readinessProbe: { exec: { command: ["redis-cli", "ping"] }, periodSeconds: 1 },
            },
          ],
          volumes: [{ name: "data", emptyDir: {} }],
        },
      },
    });
    await waitForPodReady(kc, { namespace: ns, name: "cache", timeoutMs: 60_000 });
    const set = await execInPod(kc, { namespace: ns, pod: "cache", container: "cache", command: ["redis-cli", "set", "k", "v"] });
    expect(set.stdout.trim()).toBe("OK");
    const ls = await execInPod(kc, { namespace: ns, pod: "cache", container: "cache", command: ["sh", "-c", "id -u; ls /data"] });
    expect(ls.stdout).toMatch(/^999\n/);
    expect(ls.stdout).toContain("appendonly");
  });
});
