// The "docker" artifact delivery on the real bed: the kubelet runs its containers on the same Docker engine, so an
// artifact is put with the engine's archive API into the pod's container, found by the kubelet's labels and the pod's
// UID; a pod it cannot prove is here, or a target directory that does not exist yet, goes over exec instead.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { createDockerArtifactSyncer, dockerodeArchiveEngine } from "../../src/adapters/docker-artifact-syncer.js";
import { createKubeExec, createKubeExecStream } from "../../src/adapters/kube-exec.js";
import type { KubeExec } from "../../src/adapters/kube-exec.js";
import { createPodUidLookup } from "../../src/adapters/kube-pod-uid.js";
import type { TarSyncer } from "../../src/adapters/tar-syncer.js";
import { createTarSyncer } from "../../src/adapters/tar-syncer.js";
import type { SyncPod } from "../../src/ports/syncer.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "./helpers/index.js";

const podSpec = (image: string): V1Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "artifact" },
  spec: {
    terminationGracePeriodSeconds: 0,
    securityContext: { runAsUser: 1000 },
    volumes: [{ name: "app", emptyDir: {} }],
    containers: [{ name: "app", image, imagePullPolicy: "Never", command: ["sleep", "infinity"], volumeMounts: [{ name: "app", mountPath: "/app" }] }],
  },
});

describe("artifact delivery through the Docker engine", () => {
  let kc: KubeConfig;
  let ns: string;
  let exec: KubeExec;
  let base: TarSyncer;
  const pod = (): SyncPod => ({ namespace: ns, pod: "artifact", container: "app" });
  const sh = async (script: string) => (await exec(pod(), ["sh", "-c", script])).stdout.trim();
  const fallbacks: string[] = [];

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    ns = await createTestNamespace(kc, "it-artifact");
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: podSpec(bedImages().runtime) });
    await waitForPodReady(kc, { namespace: ns, name: "artifact", timeoutMs: 90_000 });
    exec = createKubeExec(kc);
    base = createTarSyncer({ exec, openStream: createKubeExecStream(kc) });
  }, 120_000);
  afterAll(async () => {
    base.close();
    await deleteTestNamespace(kc, ns);
  }, 120_000);

  it("puts a 6 MiB artifact straight into the container, owned by its user, replacing the previous one", async () => {
    const syncer = createDockerArtifactSyncer({ base, engine: dockerodeArchiveEngine(), podUid: createPodUidLookup(kc), onFallback: (l) => fallbacks.push(l) });
    const inodes: string[] = [];
    for (const size of [6 * 2 ** 20, 2 ** 20]) {
      const content = randomBytes(size);
      const r = await syncer.putFiles({ pod: pod(), targetDir: "/app", files: [{ name: "api", content, mode: 0o755 }] });
      expect(r.via).toBe("docker");
      expect(r.execs).toBe(0);
      process.stdout.write(`[measure] docker put of ${size >> 20} MiB: ${Math.round(r.ms)} ms\n`);
      expect(await sh("sha256sum /app/api | cut -d' ' -f1; stat -c '%u %a' /app/api")).toBe(`${createHash("sha256").update(content).digest("hex")}\n1000 755`);
      // Put under its staged name and renamed over the old one (a new inode), nothing staged left behind.
      inodes.push(await sh("stat -c %i /app/api"));
      expect(await sh("ls -a /app | grep -c devloop-tmp || true")).toBe("0");
    }
    expect(inodes[0]).not.toBe(inodes[1]);
    expect(fallbacks).toEqual([]);
  }, 60_000);

  it("a target directory that does not exist yet is made over exec", async () => {
    const syncer = createDockerArtifactSyncer({ base, engine: dockerodeArchiveEngine(), podUid: createPodUidLookup(kc), onFallback: (l) => fallbacks.push(l) });
    const r = await syncer.putFiles({ pod: pod(), targetDir: "/app/new/bin", files: [{ name: "tool", content: Buffer.from("#!/bin/sh\necho hi\n"), mode: 0o755 }] });
    expect(r.via).toBeUndefined();
    expect(fallbacks.at(-1)).toMatch(/over exec: the engine refused the archive/);
    expect(await sh("/app/new/bin/tool")).toBe("hi");
  }, 60_000);

  it("a pod whose UID the engine's container does not carry (another cluster's same-named pod) goes over exec", async () => {
    const syncer = createDockerArtifactSyncer({ base, engine: dockerodeArchiveEngine(), podUid: () => Promise.resolve("not-this-pod"), onFallback: (l) => fallbacks.push(l) });
    const r = await syncer.putFiles({ pod: pod(), targetDir: "/app", files: [{ name: "api", content: Buffer.from("over exec"), mode: 0o755 }] });
    expect(r.via).toBeUndefined();
    expect(fallbacks.at(-1)).toMatch(/does not run on this Docker engine/);
    expect(await sh("cat /app/api")).toBe("over exec");
  }, 60_000);
});
