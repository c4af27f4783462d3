/**
 * P2's artifact step on its own (`npm run bench -- artifact`, the local cluster up): example/api is compiled once with
 * the Go preset in the bed's Go image, then the binary is put into a pod's emptyDir N times each way, medians:
 * - over exec: the tar syncer's putFiles through the open sync session (artifact delivery "exec");
 * - straight into the container: the docker artifact syncer (artifact delivery "docker", the bed's default);
 * - the parts: the raw session in write chunks of 64 KiB … 4 MiB (one WebSocket frame each), gzip -1 in Node and the
 *   gzipped payload through the session, and the round trip of a trivial command over kube exec and docker exec.
 * DEVLOOP_BENCH_ARTIFACT=<file> uses that file instead of compiling.
 */
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import { promisify } from "node:util";
import { gzip as zlibGzip } from "node:zlib";
import Docker from "dockerode";
import { CoreV1Api, Exec } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { createDockerArtifactSyncer, dockerodeArchiveEngine } from "../daemon/src/adapters/docker-artifact-syncer.js";
import { createDockerodeCompiler } from "../daemon/src/adapters/dockerode-compiler.js";
import { createKubeExec, createKubeExecStream } from "../daemon/src/adapters/kube-exec.js";
import { createPodUidLookup } from "../daemon/src/adapters/kube-pod-uid.js";
import { createTarSyncer } from "../daemon/src/adapters/tar-syncer.js";
import { loadCompilerPresets } from "../daemon/src/compile/load-compiler-presets.js";
import { buildRecords } from "../daemon/src/sync/build-tar.js";
import { hashContent } from "../daemon/src/sync/hash-manifest.js";
import { agentCommand, encodeRequest } from "../daemon/src/sync/session-protocol.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "../daemon/test/integration/helpers/index.js";
import { fmt, median } from "./stats.js";

const gzip = promisify(zlibGzip);

const podSpec = (image: string): V1Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "bench" },
  spec: {
    terminationGracePeriodSeconds: 0,
    securityContext: { runAsUser: 1000 },
    volumes: [{ name: "app", emptyDir: {} }],
    containers: [{ name: "app", image, imagePullPolicy: "Never", command: ["sleep", "infinity"], volumeMounts: [{ name: "app", mountPath: "/app" }] }],
  },
});

/** The Go preset's build of example/api (what P2 puts), or DEVLOOP_BENCH_ARTIFACT. */
const artifact = async (): Promise<{ content: Buffer; what: string }> => {
  const file = process.env["DEVLOOP_BENCH_ARTIFACT"];
  if (file !== undefined) return { content: await readFile(file), what: file };
  const repoRoot = path.resolve(import.meta.dirname, "..");
  const go = (await loadCompilerPresets(path.join(repoRoot, "templates/compilers")))["go"];
  if (!go) throw new Error("templates/compilers/go.yaml missing");
  const source = await mkdtemp(path.join(tmpdir(), "devloop-bench-artifact-"));
  const compiler = createDockerodeCompiler({ pull: false, warm: false });
  try {
    await cp(path.join(repoRoot, "example/api"), source, { recursive: true });
    const result = await compiler.compile({ project: "dlbenchartifact", spec: { service: "api", image: bedImages().go, command: go.command, workdir: go.workdir, output: "/out/api", target: "/app/api", source, cache: go.cache, env: go.env } }, () => undefined);
    if (!result.ok) throw new Error(`bench: compile failed: ${result.message}`);
    return { content: Buffer.from(result.artifact), what: `example/api built with the Go preset (${bedImages().go})` };
  } finally {
    await compiler.close();
    await rm(source, { recursive: true, force: true });
  }
};

export const benchArtifactPut = async (n = 7): Promise<string> => {
  const load0 = os.loadavg()[0] ?? 0;
  const { content, what } = await artifact();
  const kc: KubeConfig = loadBedKubeConfig();
  const ns = await createTestNamespace(kc, "bench-artifact");
  const lines: string[] = [];
  try {
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: podSpec(bedImages().runtime) });
    await waitForPodReady(kc, { namespace: ns, name: "bench", timeoutMs: 90_000 });
    const pod = { namespace: ns, pod: "bench", container: "app" };
    const exec = createKubeExec(kc);
    const tarSyncer = createTarSyncer({ exec, openStream: createKubeExecStream(kc) });
    const dockerSyncer = createDockerArtifactSyncer({ base: tarSyncer, engine: dockerodeArchiveEngine(), podUid: createPodUidLookup(kc) });
    const samples = new Map<string, number[]>();
    const time = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
      const t = performance.now();
      await fn();
      samples.set(name, [...(samples.get(name) ?? []), performance.now() - t]);
    };
    // The session takes a batch's records (one group of the root here).
    const tar = buildRecords([{ rel: "api", kind: "file", content, mode: 0o755, hash: hashContent(content) }]) ?? Buffer.alloc(0);
    // Raw sessions, one per write chunk size: the agent opened once, then N puts.
    const client = new Exec(kc);
    const rawSession = async (chunk: number) => {
      const stdin = new PassThrough();
      let buf = "";
      const waiters: ((l: string) => void)[] = [];
      const out = new Writable({
        write(c: Buffer, _e, cb) {
          buf += c.toString();
          for (let i = buf.indexOf("\n"); i !== -1; i = buf.indexOf("\n")) { const l = buf.slice(0, i); buf = buf.slice(i + 1); waiters.shift()?.(l); }
          cb();
        },
      });
      const next = () => new Promise<string>((r) => waiters.push(r));
      const ready = next();
      const ws = (await client.exec(ns, "bench", "app", agentCommand(`/app/raw${chunk}`), out, new Writable({ write(_c, _e, cb) { cb(); } }), stdin, false)) as unknown as { close(): void };
      await ready;
      return {
        put: async (data: Buffer) => {
          const done = next();
          for (let i = 0; i < data.length; i += chunk) stdin.write(data.subarray(i, Math.min(data.length, i + chunk)));
          const line = await done;
          if (line !== "done 0") throw new Error(`bench: agent answered ${line}`);
        },
        close: () => { stdin.destroy(); ws.close(); },
      };
    };
    const docker = new Docker();
    const found = await docker.listContainers({ filters: { label: [`io.kubernetes.pod.namespace=${ns}`, "io.kubernetes.pod.name=bench", "io.kubernetes.container.name=app"], status: ["running"] } });
    const container = found[0] === undefined ? undefined : docker.getContainer(found[0].Id);
    const dockerExec = async (cmd: string[]): Promise<void> => {
      if (container === undefined) return;
      const e = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const stream = await e.start({ hijack: true, stdin: false });
      await new Promise<void>((resolve) => { stream.on("end", resolve); stream.on("close", resolve); stream.resume(); });
      if ((await e.inspect()).ExitCode !== 0) throw new Error("bench: docker exec failed");
    };
    const sessions = new Map<number, Awaited<ReturnType<typeof rawSession>>>();
    for (const chunk of [64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024]) sessions.set(chunk, await rawSession(chunk));
    const files = [{ name: "api", content, mode: 0o755 }];
    // Warm-up: opens the tar syncer's session, finds the container.
    await tarSyncer.putFiles({ pod, targetDir: "/app", files });
    const warm = await dockerSyncer.putFiles({ pod, targetDir: "/app", files });
    for (let i = 0; i < n; i++) {
      await time("exec: tar syncer putFiles through the session", () => tarSyncer.putFiles({ pod, targetDir: "/app", files }));
      await time("docker: artifact syncer putFiles (putArchive)", () => dockerSyncer.putFiles({ pod, targetDir: "/app", files }));
      for (const [chunk, s] of sessions) await time(`raw session, ${chunk / 1024} KiB writes`, () => s.put(encodeRequest(tar, [])));
      await time("gzip -1 in Node", () => gzip(tar, { level: 1 }));
      const z = await gzip(tar, { level: 1 });
      const s256 = sessions.get(256 * 1024);
      if (s256) await time(`raw session, 256 KiB writes, gzipped payload (${(z.length / 2 ** 20).toFixed(2)} MiB; send + gunzip)`, () => s256.put(encodeRequest(z, [], true)));
      await time("kube exec `true`", () => exec(pod, ["true"]));
      await time("docker exec `true`", () => dockerExec(["true"]));
    }
    for (const s of sessions.values()) s.close();
    tarSyncer.close();
    lines.push(`Artifact: ${what}, ${(content.length / 2 ** 20).toFixed(2)} MiB (tar ${(tar.length / 2 ** 20).toFixed(2)} MiB); docker route ${warm.via === "docker" ? "taken" : "NOT taken"}`);
    lines.push("", `| ${n} puts each | median | samples (ms) |`, "| --- | --- | --- |");
    for (const [k, v] of samples) lines.push(`| ${k} | ${fmt(median(v))} | ${v.map((x) => Math.round(x)).join(", ")} |`);
  } finally {
    await deleteTestNamespace(kc, ns);
  }
  lines.push("", `Load average (1 min) at start / end: ${load0.toFixed(1)} / ${(os.loadavg()[0] ?? 0).toFixed(1)}`);
  return lines.join("\n");
};

