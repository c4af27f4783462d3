/**
 * Issue 12: the first `devloop up --detach` of a built service with registry delivery against shared-engine
 * delivery, in the same run, alternating. Needs the two-node bed (`scripts/local-cluster up --nodes 2`, its env
 * exported).
 *   - shared engine: DEVLOOP_IMAGE_DELIVERY=docker, the pod on node 1, whose kubelet runs on the engine that built
 *     the image (nothing travels);
 *   - registry: DEVLOOP_IMAGE_DELIVERY=registry, the pod placed on node 2 (its own engine): the image is tagged
 *     127.0.0.1:5000/…, pushed, and pulled by node 2's engine.
 * Each run has new content (a run id in the context), so its content-hash tag is new: the build runs and, under
 * registry, the service's own layers are pushed and pulled; the base image's layers are already in the registry and on
 * node 2 (as on any machine after the first push). Each run starts a daemon from a fresh state directory and a fresh
 * namespace; the time is the CLI's, start to exit (build, push/pull, apply, ready).
 * DEVLOOP_BENCH_RUNS sets the number of runs per mode (default 3).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDaemon, kube, nodeImage, suffix } from "../daemon/test/integration/daemon-support.js";
import { median } from "./stats.js";

type Mode = "docker" | "registry";

interface Sample {
  readonly mode: Mode;
  readonly ms: number;
  readonly node: string;
  readonly image: string;
}

export interface RegistryUpResult {
  readonly samples: readonly Sample[];
  readonly load: readonly [number, number];
}

const compose = (project: string, mode: Mode, node2: string, taint: string): string => `name: ${project}
${mode === "registry" ? `x-devloop:
  templates:
    Deployment:
      spec:
        template:
          spec:
            tolerations: [{ key: ${taint}, operator: Exists, effect: NoSchedule }]
` : ""}services:
  web:
    build:
      context: ./app
      args:
        NODE_IMAGE: ${nodeImage}
${mode === "registry" ? `    deploy:
      placement:
        constraints: ["node.hostname == ${node2}"]
` : ""}`;

const oneUp = async (mode: Mode, node2: string, taint: string): Promise<Sample> => {
  const id = suffix();
  const project = `rbench${id}`;
  const namespace = `rbench${id}`;
  const dir = mkdtempSync(join(tmpdir(), "devloop-bench-registry-"));
  mkdirSync(join(dir, "app"));
  writeFileSync(join(dir, "app", "Dockerfile"), "ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nWORKDIR /app\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n");
  writeFileSync(join(dir, "app", "server.js"), `require("http").createServer((q, s) => s.end("${id}")).listen(8080);\n`);
  // 8 MB of the service's own content, so the pushed layer is not trivially small.
  writeFileSync(join(dir, "app", "data.bin"), Buffer.alloc(8 * 1024 * 1024, id));
  writeFileSync(join(dir, "compose.yml"), compose(project, mode, node2, taint));
  const daemon = createTestDaemon();
  daemon.env["DEVLOOP_IMAGE_DELIVERY"] = mode;
  const { core } = kube();
  try {
    const started = performance.now();
    const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "400"], dir, 460_000);
    const ms = performance.now() - started;
    if (up.code !== 0) throw new Error(`up (${mode}) failed: ${up.stdout}\n${up.stderr}`);
    const pods = (await core.listNamespacedPod({ namespace })).items.filter((p) => p.metadata?.deletionTimestamp === undefined && p.metadata?.labels?.["devloop.dev/service"] === "web");
    return { mode, ms, node: pods[0]?.spec?.nodeName ?? "?", image: pods[0]?.spec?.containers[0]?.image ?? "?" };
  } finally {
    await daemon.cli(["down"], dir, 200_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    rmSync(daemon.stateDir, { recursive: true, force: true });
  }
};

export const benchRegistryUp = async (): Promise<RegistryUpResult> => {
  const node2 = process.env["DEVLOOP_BED_NODE2"];
  const taint = process.env["DEVLOOP_BED_NODE2_TAINT"];
  if (process.env["DEVLOOP_REGISTRY"] === undefined || node2 === undefined || taint === undefined) {
    throw new Error("needs the two-node bed: scripts/local-cluster up --nodes 2, then eval \"$(scripts/local-cluster env)\"");
  }
  const runs = Number(process.env["DEVLOOP_BENCH_RUNS"] ?? "3");
  const before = loadavg()[0] ?? 0;
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    for (const mode of (i % 2 === 0 ? ["docker", "registry"] : ["registry", "docker"]) as Mode[]) {
      const sample = await oneUp(mode, node2, taint);
      process.stderr.write(`[registry-up] ${mode}: ${(sample.ms / 1000).toFixed(2)} s on ${sample.node} (${sample.image})\n`);
      samples.push(sample);
    }
  }
  return { samples, load: [before, loadavg()[0] ?? 0] };
};

export const formatRegistryUp = (r: RegistryUpResult): string => {
  const of = (mode: Mode): number[] => r.samples.filter((s) => s.mode === mode).map((s) => s.ms);
  const docker = median(of("docker"));
  const registry = median(of("registry"));
  const row = (mode: Mode): string => {
    const s = r.samples.filter((x) => x.mode === mode);
    return `| ${mode === "docker" ? "shared engine (docker), node 1" : "registry, node 2"} | ${s.map((x) => (x.ms / 1000).toFixed(2)).join(", ")} | ${(median(s.map((x) => x.ms)) / 1000).toFixed(2)} s | ${[...new Set(s.map((x) => x.node))].join(", ")} |`;
  };
  return [
    "## First `up` of a built service: registry delivery vs shared engine (issue 12)",
    "",
    `Load average (1 min) ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}.`,
    "",
    "| delivery | runs (s) | median | pod on |",
    "| --- | --- | --- | --- |",
    row("docker"),
    row("registry"),
    "",
    `Ratio registry / shared engine (medians): **${(registry / docker).toFixed(2)}×** (+${((registry - docker) / 1000).toFixed(2)} s).`,
    `Images: ${[...new Set(r.samples.map((s) => s.image.replace(/:dl-[0-9a-f]+$/, ":dl-…").replace(/rbench[a-z0-9]+/, "rbench<id>")))].join(", ")}.`,
  ].join("\n");
};
