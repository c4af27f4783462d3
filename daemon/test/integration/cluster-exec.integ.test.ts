// Exec with stdin through @kubernetes/client-node. Kubernetes 1.20's v4 channel protocol cannot half-close stdin,
// so every command reads a known length (head -c N, or a tar archive whose end marker stops tar).
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { pack } from "tar-stream";
import {
  buildEchoServerImage,
  createTestNamespace,
  deleteTestNamespace,
  echoPod,
  execInPod,
  loadBedKubeConfig,
  waitForPodReady,
} from "./helpers/index.js";

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  for (const [name, content] of Object.entries(files)) tar.entry({ name, mode: 0o644 }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("cluster: exec with stdin", () => {
  let kc: KubeConfig;
  let ns: string;
  const target = () => ({ namespace: ns, pod: "shell", container: "echo" });

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    ns = await createTestNamespace(kc, "it-exec");
    const image = await buildEchoServerImage();
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: echoPod({ name: "shell", image }) });
    await waitForPodReady(kc, { namespace: ns, name: "shell" });
  });
  afterAll(async () => {
    await deleteTestNamespace(kc, ns);
  });

  it("delivers exactly N bytes of stdin to `head -c N` and returns output and exit status", async () => {
    const payload = randomBytes(1024 * 1024);
    const started = Date.now();
    const r = await execInPod(kc, {
      ...target(),
      command: ["sh", "-c", `head -c ${payload.length} | sha256sum`],
      stdin: payload,
    });
    const ms = Date.now() - started;
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split(" ")[0]).toBe(createHash("sha256").update(payload).digest("hex"));
    expect(ms).toBeLessThan(10_000);
  });

  it("extracts a tar archive streamed on stdin (the sync primitive)", async () => {
    const archive = await tarOf({ "src/a.txt": "alpha\n", "src/b.txt": "beta\n" });
    const r = await execInPod(kc, {
      ...target(),
      command: ["sh", "-c", `mkdir -p /tmp/sync && head -c ${archive.length} | tar -x -m -C /tmp/sync && cat /tmp/sync/src/a.txt /tmp/sync/src/b.txt`],
      stdin: archive,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("alpha\nbeta\n");
  });

  it("reports a non-zero exit code and stderr", async () => {
    const r = await execInPod(kc, { ...target(), command: ["sh", "-c", "echo oops >&2; exit 3"] });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe("oops\n");
  });
});
