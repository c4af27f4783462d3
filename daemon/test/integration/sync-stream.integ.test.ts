// Big payloads into a real pod (issue 15 item 7, issue 10's fill): streamed through one exec over the WebSocket, never
// held whole — a 48 MiB incompressible file (plain frames) and a compressible 20 MiB tree (gzipped frames), each
// checked by sha256 in the container against the manifest the sync returned.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { createKubeExec, createKubeExecStream } from "../../src/adapters/kube-exec.js";
import type { KubeExec } from "../../src/adapters/kube-exec.js";
import { createTarSyncer } from "../../src/adapters/tar-syncer.js";
import type { SyncPod } from "../../src/ports/syncer.js";
import { emptyManifest, parseRemoteListing } from "../../src/sync/hash-manifest.js";
import { listCommand } from "../../src/sync/remote-commands.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "./helpers/index.js";

describe("sync: big payloads streamed into a pod", () => {
  let kc: KubeConfig;
  let ns: string;
  let exec: KubeExec;
  let root: string;
  const pod = (): SyncPod => ({ namespace: ns, pod: "app", container: "app" });

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    ns = await createTestNamespace(kc, "it-stream");
    exec = createKubeExec(kc);
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "app" },
        spec: {
          terminationGracePeriodSeconds: 0,
          volumes: [{ name: "src", emptyDir: {} }],
          containers: [{ name: "app", image: bedImages().node, imagePullPolicy: "Never", command: ["sleep", "infinity"], volumeMounts: [{ name: "src", mountPath: "/app" }] }],
        },
      },
    });
    await waitForPodReady(kc, { namespace: ns, name: "app", timeoutMs: 90_000 });
    root = await mkdtemp(path.join(tmpdir(), "devloop-stream-it-"));
  }, 120_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await deleteTestNamespace(kc, ns);
  });

  it("a 48 MiB incompressible file: one exec, plain frames, renamed into place, the pod's sha256 is the manifest's", async () => {
    const content = randomBytes(48 * 1024 * 1024);
    await writeFile(path.join(root, "big.bin"), content);
    const syncer = createTarSyncer({ exec, openStream: createKubeExecStream(kc) });
    const result = await syncer.sync({ pod: pod(), localRoot: root, targetDir: "/app/one", previous: emptyManifest, paths: ["big.bin"] });
    syncer.close();
    expect(result).toMatchObject({ put: ["big.bin"], execs: 1 });
    expect(result.bytes).toBeGreaterThan(content.length);
    const want = createHash("sha256").update(content).digest("hex");
    expect(result.manifest.get("big.bin")).toEqual({ kind: "file", hash: want, mode: 0o644, size: content.length });
    const listing = parseRemoteListing((await exec(pod(), listCommand("/app/one"))).stdout);
    expect([...listing]).toEqual([["big.bin", want]]);
  }, 180_000);

  it("a compressible 20 MiB tree of 400 files: gzipped frames, every file's hash in the pod as in the manifest", async () => {
    const tree = path.join(root, "tree");
    for (let d = 0; d < 20; d++) {
      await mkdir(path.join(tree, `m${d}`), { recursive: true });
      for (let f = 0; f < 20; f++) await writeFile(path.join(tree, `m${d}`, `f${f}.js`), `export const v${d}_${f} = (request) => request.handler(${d * f});\n`.repeat(800));
    }
    const syncer = createTarSyncer({ exec });
    const result = await syncer.fullSync({ pod: pod(), localRoot: tree, targetDir: "/app/tree", previous: emptyManifest });
    expect(result.put).toHaveLength(400);
    expect(result.bytes).toBeLessThan(4 * 1024 * 1024);
    const listing = parseRemoteListing((await exec(pod(), listCommand("/app/tree"))).stdout);
    expect(listing.size).toBe(400);
    for (const [rel, entry] of result.manifest) expect(entry.kind === "file" ? entry.hash : "").toBe(listing.get(rel));
  }, 180_000);
});
