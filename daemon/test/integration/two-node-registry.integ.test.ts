/**
 * Issue 12 "Done when", on the two-node bed (`scripts/local-cluster up --nodes 2`): a teammate's namespace-scoped
 * identity (scripts/mint-dev-identity) under a non-local context name runs a built service placed on the second
 * node, whose Docker engine is not the one devloop builds on, so the image travels through the bed's registry
 * (127.0.0.1:5000). The daemon itself runs under the teammate's kubeconfig: it may not list nodes, so it cannot tell
 * the cluster shares its engine, and pushes because a registry is configured (DEVLOOP_REGISTRY, from
 * `local-cluster env`). Also here: only changed layers are pushed (the image builder against the registry).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateFiles } from "../../src/api/state-dir.js";
import { CoreV1Api } from "@kubernetes/client-node";
import { createDockerArtifactSyncer, dockerodeArchiveEngine } from "../../src/adapters/docker-artifact-syncer.js";
import { createDockerodeImageBuilder } from "../../src/adapters/dockerode-image-builder.js";
import { createKubeExec, createKubeExecStream } from "../../src/adapters/kube-exec.js";
import { createPodUidLookup } from "../../src/adapters/kube-pod-uid.js";
import { createTarSyncer } from "../../src/adapters/tar-syncer.js";
import { createTestDaemon, freePort, kube, nodeImage, repoRoot, suffix } from "./daemon-support.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "./helpers/index.js";
import { bedKubeconfigPath } from "./helpers/kube-config.js";
import { fetchUntil } from "./helpers/real-world.js";
import { endTeamTest, messageServer, mintTeammate, type Node2, writeWebProject } from "./helpers/team-project.js";

const registry = process.env["DEVLOOP_REGISTRY"] ?? "";
const node2 = process.env["DEVLOOP_BED_NODE2"] ?? "";
const node2Taint = process.env["DEVLOOP_BED_NODE2_TAINT"] ?? "";
const node2Docker = process.env["DEVLOOP_BED_NODE2_DOCKER_HOST"] ?? "";
const onNode2: Node2 = { node: node2, taint: node2Taint };
const needsNode2 = "this file needs the two-node bed: `scripts/local-cluster up --nodes 2`, then eval \"$(scripts/local-cluster env)\"";

const id = suffix();
const namespace = `dlnode2${id}`;
const forbidden = `dlnode2x${id}`;
const context = `team-${id}`;
const project = `node2${id}`;

const engine2 = (): Docker => new Docker({ socketPath: node2Docker.replace(/^unix:\/\//, "") });

const registryTags = async (repository: string): Promise<string[]> => {
  const res = await fetch(`http://${registry}/v2/${repository}/tags/list`);
  if (!res.ok) return [];
  return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
};

describe("the two-node bed: a built service on the second node, through the registry, as a teammate", () => {
  const daemon = createTestDaemon();
  const { core, apps } = kube();
  const dir = mkdtempSync(join(tmpdir(), "devloop-it-node2-"));
  const kubeconfig = join(dir, "teammate.kubeconfig");
  let port = 0;

  const waitAnswer = async (expected: string, timeoutMs: number): Promise<void> => {
    await fetchUntil(`http://127.0.0.1:${port}/`, (body) => body === expected, timeoutMs, `the answer "${expected}"`);
  };

  beforeAll(async () => {
    if (registry === "" || node2 === "" || node2Taint === "" || node2Docker === "") throw new Error(needsNode2);
    const node = await core.readNode({ name: node2 }).catch(() => undefined);
    if (node === undefined) throw new Error(`node ${node2} is not in the cluster; ${needsNode2}`);
    port = await freePort();
    // The run id makes the content (so the tag) new: the image cannot already be on the second engine.
    writeWebProject(dir, { name: project, nodeImage, port, node2: onNode2, watch: true }, { "server.js": messageServer("node2"), "message.txt": `hello 1 ${id}` });
    mintTeammate(repoRoot, namespace, context, kubeconfig);
    await core.createNamespace({ body: { metadata: { name: forbidden } } });
    // The daemon and the CLI both run as the teammate; delivery is decided from what this identity can see.
    daemon.env["KUBECONFIG"] = kubeconfig;
    daemon.env["DEVLOOP_REGISTRY"] = registry;
    delete daemon.env["DEVLOOP_IMAGE_DELIVERY"];
    delete daemon.env["DEVLOOP_ALLOWED_CONTEXTS"];
    await daemon.start();
  }, 120_000);

  afterAll(() => endTeamTest({ daemon, deleteNamespace: (name) => core.deleteNamespace({ name }), namespaces: [namespace, forbidden], dir }));

  it("refuses the non-local context at once, until it is allowed", async () => {
    const started = Date.now();
    const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "40"], dir, 50_000);
    expect(up.code, up.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(up.stderr).toContain(`kube context "${context}"`);
    expect(up.stderr).toContain(`--allow-context ${context}`);
    expect((await apps.listNamespacedDeployment({ namespace })).items).toHaveLength(0);
  }, 60_000);

  it("up on the second node through the registry; an edit synced; exec; logs; the port-forward; down", async () => {
    const up = await daemon.cli(["up", "-n", namespace, "--allow-context", context, "--detach", "--wait-timeout", "400"], dir, 460_000);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    const log = readFileSync(stateFiles(daemon.stateDir).log, "utf8");
    expect(log).toContain("images reach the cluster by registry (a registry is configured (DEVLOOP_REGISTRY); nodes unknown: this identity may not list nodes; ");

    // The pod runs on node 2 from the registry's reference, and node 2's engine pulled it (it has no build of it).
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: `devloop.dev/project=${project}` })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
    expect(pods.map((p) => p.spec?.nodeName)).toEqual([node2]);
    const image = pods[0]?.spec?.containers[0]?.image ?? "";
    expect(image).toMatch(new RegExp(`^${registry.replace(/\./g, "\\.")}/${project}-web:dl-[0-9a-f]{12}$`));
    const [repository, tag] = image.slice(registry.length + 1).split(":");
    expect(await registryTags(repository ?? "")).toContain(tag);
    expect((await engine2().getImage(image).inspect()).RepoTags).toContain(image);

    await waitAnswer(`hello 1 ${id}`, 90_000);
    writeFileSync(join(dir, "app", "message.txt"), `hello 2 ${id}`);
    await waitAnswer(`hello 2 ${id}`, 30_000).catch((error: unknown) => {
      const tail = readFileSync(stateFiles(daemon.stateDir).log, "utf8").split("\n").slice(-30).join("\n");
      throw new Error(`${error instanceof Error ? error.message : String(error)}\ndaemon log:\n${tail}`);
    });

    const exec = await daemon.cli(["exec", "-T", "web", "cat", "/app/message.txt"], dir, 60_000);
    expect(exec.code, exec.stderr).toBe(0);
    expect(exec.stdout).toBe(`hello 2 ${id}`);

    const logs = await daemon.cli(["logs", "web"], dir, 60_000);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("node2 server listening on 8080");

    // The same daemon serves a second project under the bed's admin, a local context that may list the nodes: its
    // delivery is decided under that context (the only open node runs on this engine), so its image stays here.
    const local = join(dir, "local");
    mkdirSync(local, { recursive: true });
    writeFileSync(join(local, "Dockerfile"), `ARG NODE_IMAGE\nFROM \${NODE_IMAGE}\nRUN echo ${id} > /id\nCMD ["sleep", "infinity"]\n`);
    writeFileSync(join(local, "compose.yml"), `name: local${id}\nservices:\n  app:\n    build: { context: ., args: { NODE_IMAGE: ${nodeImage} } }\n`);
    const localNs = `dllocal${id}`;
    daemon.env["KUBECONFIG"] = bedKubeconfigPath();
    try {
      const upLocal = await daemon.cli(["up", "-n", localNs, "--detach", "--wait-timeout", "200"], local, 240_000);
      expect(upLocal.code, `${upLocal.stdout}\n${upLocal.stderr}`).toBe(0);
      const localImage = (await apps.readNamespacedDeployment({ name: "app", namespace: localNs })).spec?.template.spec?.containers[0]?.image ?? "";
      expect(localImage).toMatch(new RegExp(`^local${id}-app:dl-[0-9a-f]{12}$`));
      const status = await daemon.cli(["status"], dir, 60_000);
      expect(status.stdout).toContain(`${project}: kube context ${context}, namespace ${namespace}; images by registry ${registry} (a registry is configured (DEVLOOP_REGISTRY)), artifacts over exec`);
      expect(status.stdout).toContain(`local${id}: kube context devloop-local, namespace ${localNs}; images by docker (the kubelet runs on this Docker engine), artifacts by the Docker engine`);
      expect((await daemon.cli(["down"], local, 200_000)).code).toBe(0);
    } finally {
      daemon.env["KUBECONFIG"] = kubeconfig;
      await core.deleteNamespace({ name: localNs }).catch(() => undefined);
      await new Docker().getImage(`local${id}-app:devloop`).remove({ force: true }).catch(() => undefined);
    }

    const down = await daemon.cli(["down"], dir, 200_000);
    expect(down.code, `${down.stdout}\n${down.stderr}`).toBe(0);
    expect((await apps.listNamespacedDeployment({ namespace, labelSelector: `devloop.dev/project=${project}` })).items).toHaveLength(0);
  }, 600_000);

  it("a namespace the identity may not use is refused at once, with the missing rights", async () => {
    const started = Date.now();
    const up = await daemon.cli(["up", "-n", forbidden, "--allow-context", context, "--detach", "--wait-timeout", "100"], dir, 110_000);
    expect(up.code, up.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(up.stderr).toContain(`may not patch deployments.apps`);
    expect(up.stderr).toContain(`in namespace ${forbidden}`);
    expect((await apps.listNamespacedDeployment({ namespace: forbidden })).items).toHaveLength(0);
  }, 120_000);

  it("pushes only the layers that changed", async () => {
    const context2 = mkdtempSync(join(tmpdir(), "devloop-it-layers-"));
    const docker = new Docker();
    const builder = createDockerodeImageBuilder({ docker, delivery: { strategy: "registry", registry, reason: "test" } });
    const repo = `dllayers${id}`;
    writeFileSync(join(context2, "Dockerfile"), "ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nCOPY big.bin /big.bin\nCOPY small.txt /small.txt\n");
    writeFileSync(join(context2, "big.bin"), Buffer.alloc(4 * 1024 * 1024, id));
    const request = { service: "layers", image: `${repo}:devloop`, context: context2, dockerfile: "Dockerfile", args: { NODE_IMAGE: nodeImage } };
    const refs: string[] = [`${repo}:devloop`];
    try {
      const pushed = async (small: string): Promise<string[]> => {
        writeFileSync(join(context2, "small.txt"), small);
        const lines: string[] = [];
        const result = await builder.build(request, (l) => lines.push(l));
        refs.push(result.ref, result.tag);
        expect(await registryTags(repo)).toContain(result.tag.split(":")[1]);
        return lines;
      };
      const count = (lines: string[], what: RegExp): number => lines.filter((l) => what.test(l)).length;
      const first = await pushed("one");
      // New: the two COPY layers (the base image's layer may already be there from another run).
      expect(count(first, /Pushed/)).toBeGreaterThanOrEqual(2);
      const second = await pushed("two");
      // Only small.txt's layer is new; the base and big.bin's layer are already in the registry.
      expect(count(second, /Pushed/), second.join("\n")).toBe(1);
      expect(count(second, /Layer already exists/), second.join("\n")).toBe(2);
    } finally {
      for (const ref of refs) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
      rmSync(context2, { recursive: true, force: true });
    }
  }, 300_000);
});

describe("the Docker artifact route, for a pod on the second node", () => {
  it("falls back to exec: the pod's container is not on this engine", async () => {
    if (registry === "" || node2 === "" || node2Taint === "") throw new Error(needsNode2);
    const kc = loadBedKubeConfig();
    const ns = await createTestNamespace(kc, "it-node2-artifact");
    // The bed's runtime image, through the registry (node 2's engine has only what it pulled).
    const image = `${registry}/devloop/runtime:bookworm`;
    const docker = new Docker();
    await docker.getImage(bedImages().runtime).tag({ repo: `${registry}/devloop/runtime`, tag: "bookworm" });
    await new Promise<void>((resolve, reject) => {
      void docker.getImage(image).push({ authconfig: { base64: Buffer.from("{}").toString("base64") } }).then((stream) => docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())), reject);
    });
    const exec = createKubeExec(kc);
    const base = createTarSyncer({ exec, openStream: createKubeExecStream(kc) });
    try {
      await kc.makeApiClient(CoreV1Api).createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: "artifact" },
          spec: {
            terminationGracePeriodSeconds: 0,
            nodeSelector: { "kubernetes.io/hostname": node2 },
            tolerations: [{ key: node2Taint, operator: "Exists", effect: "NoSchedule" }],
            volumes: [{ name: "app", emptyDir: {} }],
            containers: [{ name: "app", image, command: ["sleep", "infinity"], volumeMounts: [{ name: "app", mountPath: "/app" }] }],
          },
        },
      });
      await waitForPodReady(kc, { namespace: ns, name: "artifact", timeoutMs: 120_000 });
      const fallbacks: string[] = [];
      const syncer = createDockerArtifactSyncer({ base, engine: dockerodeArchiveEngine(docker), podUid: createPodUidLookup(kc), onFallback: (l) => fallbacks.push(l) });
      const pod = { namespace: ns, pod: "artifact", container: "app" };
      const r = await syncer.putFiles({ pod, targetDir: "/app", files: [{ name: "api", content: Buffer.from(`built ${id}`), mode: 0o755 }] });
      expect(r.via).toBeUndefined();
      expect(fallbacks.at(-1)).toMatch(/does not run on this Docker engine/);
      expect((await exec(pod, ["cat", "/app/api"])).stdout).toBe(`built ${id}`);
    } finally {
      base.close();
      await deleteTestNamespace(kc, ns);
    }
  }, 240_000);
});

describe("registry credentials from the Docker config (the bed's registry takes any)", () => {
  it("the push sends them, and the pod on node 2 pulls with the devloop-registry Secret (delivery from the compose file's x-devloop)", async () => {
    if (registry === "" || node2 === "" || node2Taint === "") throw new Error(needsNode2);
    const daemon = createTestDaemon();
    const { core, apps } = kube();
    const dir = mkdtempSync(join(tmpdir(), "devloop-it-pullsecret-"));
    const ns = `dlpull${id}`;
    const name = `pull${id}`;
    mkdirSync(join(dir, "docker"));
    writeFileSync(join(dir, "docker", "config.json"), JSON.stringify({ auths: { [registry]: { auth: Buffer.from("dev:not-a-real-password").toString("base64") } } }));
    writeWebProject(dir, { name, nodeImage, node2: onNode2 }, { "server.js": `require("http").createServer((q, s) => s.end("${id}")).listen(8080);\n` });
    // The delivery settings come from the compose file here, not from an environment.
    const compose = readFileSync(join(dir, "compose.yml"), "utf8");
    writeFileSync(join(dir, "compose.yml"), compose.replace(/^x-devloop:\n/m, `x-devloop:\n  image_delivery: registry\n  registry: ${registry}\n`));
    daemon.env["DOCKER_CONFIG"] = join(dir, "docker");
    delete daemon.env["DEVLOOP_IMAGE_DELIVERY"];
    delete daemon.env["DEVLOOP_REGISTRY"];
    try {
      await daemon.start();
      const up = await daemon.cli(["up", "-n", ns, "--detach", "--wait-timeout", "300"], dir, 360_000);
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
      const log = readFileSync(stateFiles(daemon.stateDir).log, "utf8");
      expect(log).toContain(`${name}: images reach the cluster by registry (chosen by x-devloop.image_delivery; credentials for ${registry}`);
      expect(log).toContain(`credentials for ${registry} from ${join(dir, "docker", "config.json")}; pods pulling from it get the imagePullSecret devloop-registry`);
      expect(log).not.toContain("not-a-real-password");
      const secret = await core.readNamespacedSecret({ name: "devloop-registry", namespace: ns });
      expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
      const config = JSON.parse(Buffer.from(secret.data?.[".dockerconfigjson"] ?? "", "base64").toString()) as { auths: Record<string, { username?: string }> };
      expect(config.auths[registry]?.username).toBe("dev");
      const deployment = await apps.readNamespacedDeployment({ name: "web", namespace: ns });
      expect(deployment.spec?.template.spec?.imagePullSecrets).toEqual([{ name: "devloop-registry" }]);
      const pods = (await core.listNamespacedPod({ namespace: ns })).items.filter((p) => p.metadata?.deletionTimestamp === undefined && p.status?.phase === "Running");
      expect(pods.map((p) => p.spec?.nodeName)).toEqual([node2]);
      expect(secret.metadata?.labels).toMatchObject({ "app.kubernetes.io/managed-by": "devloop", "devloop.dev/project": name });

      // down removes the pull Secret it created, and only that: a Secret of the developer's own stays.
      await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "mine" }, stringData: { a: "b" } } });
      const down = await daemon.cli(["down"], dir, 200_000);
      expect(down.code, `${down.stdout}\n${down.stderr}`).toBe(0);
      const left = (await core.listNamespacedSecret({ namespace: ns })).items.map((s) => s.metadata?.name);
      expect(left).not.toContain("devloop-registry");
      expect(left).toContain("mine");
    } finally {
      await endTeamTest({ daemon, deleteNamespace: (name) => core.deleteNamespace({ name }), namespaces: [ns], dir, down: true });
    }
  }, 420_000);
});

describe("a compiled service on the second node", () => {
  it("an edit recompiles on this machine and the artifact reaches the node-2 pod over exec", async () => {
    if (registry === "" || node2 === "" || node2Taint === "") throw new Error(needsNode2);
    const daemon = createTestDaemon();
    const { core } = kube();
    const dir = mkdtempSync(join(tmpdir(), "devloop-it-node2-compile-"));
    const ns = `dlcomp${id}`;
    const name = `comp${id}`;
    const port = await freePort();
    const server = (message: string): string => `require("http").createServer((q, s) => s.end("${message}")).listen(8080);\n`;
    const compile = ["x-devloop:", "  compile:", `    image: ${nodeImage}`, "    workdir: /src", '    command: "cp /src/server.js $$DEVLOOP_OUTPUT"', "    output: /tmp/server.js", "    target: /app/server.js"];
    writeWebProject(dir, { name, nodeImage, port, node2: onNode2, more: compile }, { "server.js": server(`compiled 1 ${id}`) });
    daemon.env["DEVLOOP_IMAGE_DELIVERY"] = "registry";
    daemon.env["DEVLOOP_REGISTRY"] = registry;
    const waitAnswer = async (expected: string, timeoutMs: number): Promise<void> => {
      await fetchUntil(`http://127.0.0.1:${port}/`, (body) => body === expected, timeoutMs, `the answer "${expected}"`).catch((error: unknown) => {
        const tail = readFileSync(stateFiles(daemon.stateDir).log, "utf8").split("\n").slice(-20).join("\n");
        throw new Error(`${error instanceof Error ? error.message : String(error)}\ndaemon log:\n${tail}`);
      });
    };
    try {
      await daemon.start();
      const up = await daemon.cli(["up", "-n", ns, "--detach", "--wait-timeout", "300"], dir, 360_000);
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
      const pods = (await core.listNamespacedPod({ namespace: ns })).items.filter((p) => p.metadata?.deletionTimestamp === undefined && p.status?.phase === "Running");
      expect(pods.map((p) => p.spec?.nodeName)).toEqual([node2]);
      expect(readFileSync(stateFiles(daemon.stateDir).log, "utf8")).toContain("artifact delivery exec: images reach the cluster by registry");
      await waitAnswer(`compiled 1 ${id}`, 90_000);
      writeFileSync(join(dir, "app", "server.js"), server(`compiled 2 ${id}`));
      await waitAnswer(`compiled 2 ${id}`, 120_000);
    } finally {
      await endTeamTest({ daemon, deleteNamespace: (name) => core.deleteNamespace({ name }), namespaces: [ns], dir, down: true });
    }
  }, 480_000);
});
