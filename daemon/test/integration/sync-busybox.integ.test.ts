// Live sync through the tar syncer's session into a busybox-only pod (FROM scratch + a static busybox and its applet
// symlinks: the tools of alpine and busybox images). busybox head -c reads ahead from a pipe, so the agent reads its
// frames with dd (iflag=count_bytes,fullblock); before, every batch waited for the session's timeout.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { createKubeExec, createKubeExecStream } from "../../src/adapters/kube-exec.js";
import type { KubeExec } from "../../src/adapters/kube-exec.js";
import type { TarSyncer } from "../../src/adapters/tar-syncer.js";
import { createTarSyncer } from "../../src/adapters/tar-syncer.js";
import type { SyncPod } from "../../src/ports/syncer.js";
import type { HashManifest } from "../../src/sync/hash-manifest.js";
import { emptyManifest } from "../../src/sync/hash-manifest.js";
import { buildImage, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "./helpers/index.js";

const TARGET = "/app";

/** A busybox-only image: nothing but /bin/busybox and its applets (the binary from the busybox-static package). */
const buildBusyboxImage = async (): Promise<string> => {
  const binary = execFileSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).trim();
  return buildImage({
    repository: "devloop-it/busybox-only",
    files: {
      Dockerfile: [
        "FROM scratch",
        "COPY busybox /bin/busybox",
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        'RUN ["/bin/mkdir", "-p", "/tmp"]',
        "ENV PATH=/bin",
      ].join("\n"),
      busybox: await readFile(binary),
    },
    modes: { busybox: 0o755 },
  });
};

describe("sync: the session into a busybox-only pod", () => {
  let kc: KubeConfig;
  let ns: string;
  let exec: KubeExec;
  let syncer: TarSyncer | undefined;
  let sessionSyncer: TarSyncer;
  let root: string;
  let manifest: HashManifest = emptyManifest;
  const pod: () => SyncPod = () => ({ namespace: ns, pod: "bb", container: "app" });
  const sh = async (script: string) => exec(pod(), ["sh", "-c", script]);

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    const image = await buildBusyboxImage();
    ns = await createTestNamespace(kc, "it-sync-bb");
    exec = createKubeExec(kc);
    syncer = createTarSyncer({ exec, openStream: createKubeExecStream(kc), timeoutMs: 20_000 });
    sessionSyncer = syncer;
    root = await mkdtemp(path.join(tmpdir(), "devloop-sync-bb-"));
    await mkdir(path.join(root, "src"), { recursive: true });
    await writeFile(path.join(root, "src/index.js"), "v0\n");
    await writeFile(path.join(root, "gone.txt"), "to delete\n");
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: ns,
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "bb" },
        spec: {
          terminationGracePeriodSeconds: 0,
          volumes: [{ name: "src", emptyDir: {} }],
          containers: [{ name: "app", image, imagePullPolicy: "Never", command: ["sleep", "3600"], volumeMounts: [{ name: "src", mountPath: TARGET }] }],
        },
      },
    });
    await waitForPodReady(kc, { namespace: ns, name: "bb", timeoutMs: 90_000 });
  });
  afterAll(async () => {
    syncer?.close();
    await deleteTestNamespace(kc, ns);
    await rm(root, { recursive: true, force: true });
  });

  it("the image has only busybox, and its head -c reads ahead from a pipe", async () => {
    const out = await sh("readlink /bin/head; printf abcdef | { head -c 2 >/dev/null; cat; }; echo '|'");
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout).toBe("/bin/busybox\n|\n");
  });

  it("full sync, 10 edits and a delete go through one session, each well under the timeout, contents right", async () => {
    const first = await sessionSyncer.fullSync({ pod: pod(), localRoot: root, targetDir: TARGET, previous: manifest });
    manifest = first.manifest;
    expect(first.execs).toBe(0);
    const times: number[] = [];
    for (let i = 1; i <= 10; i += 1) {
      await writeFile(path.join(root, "src/index.js"), `v${i}\n`);
      const r = await sessionSyncer.sync({ pod: pod(), localRoot: root, targetDir: TARGET, previous: manifest, paths: ["src/index.js"] });
      manifest = r.manifest;
      expect(r.execs).toBe(0);
      times.push(r.ms);
    }
    await unlink(path.join(root, "gone.txt"));
    const del = await sessionSyncer.sync({ pod: pod(), localRoot: root, targetDir: TARGET, previous: manifest, paths: ["gone.txt"] });
    manifest = del.manifest;
    expect(del).toMatchObject({ deleted: ["gone.txt"], execs: 0 });
    // A 1 MiB file (16 of dd's 64 KiB reads) then a small edit: the framing holds across sizes.
    const big = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 131) % 251));
    await writeFile(path.join(root, "big.bin"), big);
    const bigSync = await sessionSyncer.sync({ pod: pod(), localRoot: root, targetDir: TARGET, previous: manifest, paths: ["big.bin"] });
    manifest = bigSync.manifest;
    expect(bigSync.execs).toBe(0);
    const out = await sh("cd /app && cat src/index.js && (test -e gone.txt && echo still-there || echo gone) && sha256sum big.bin && ls -a src");
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout).toBe(`v10\ngone\n${createHash("sha256").update(big).digest("hex")}  big.bin\n.\n..\nindex.js\n`);
    const sorted = [...times].sort((a, b) => a - b);
    process.stdout.write(`[measure] busybox-only pod, single-file edit through the session: p50 ${Math.round(sorted[4] ?? 0)} ms, max ${Math.round(sorted[9] ?? 0)} ms; 1 MiB file ${Math.round(bigSync.ms)} ms\n`);
    expect(Math.max(...times)).toBeLessThan(5_000);
  });
});
