/**
 * P6: `devloop up --detach` cold (fresh state dir, so the daemon starts too; fresh namespace) against
 * `kubectl apply` of the same rendered manifests + `rollout status` of every Deployment, as a median ratio.
 * Needs the local cluster (scripts/local-cluster up; its env exported).
 * DEVLOOP_BENCH_COMPOSE picks the project: default bench/fixtures/up/compose.yml (the example's depends_on shape);
 * "compose.example.yml" runs the example itself, which needs images built (done here), a volume (a hostPath
 * PersistentVolume per run) and cluster DNS for headless Services (the bed's DNS watcher lacks it today).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, median } from "./stats.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const devloop = join(root, "bin", "devloop.js");

const run = (cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): void => {
  const r = spawnSync(cmd, args, { cwd: root, env, input, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
};

const persistentVolume = (name: string): string => {
  // The node is this machine: a world-writable directory, as the example's redis runs as uid 999.
  const path = join(tmpdir(), name);
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o777);
  return JSON.stringify({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, labels: { "devloop.dev/bench": "p6" } },
    spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Delete", hostPath: { path, type: "Directory" } },
  });
};

const buildImages = (env: NodeJS.ProcessEnv): void => {
  const node = env["NODE_IMAGE"] ?? "node:20.18-bookworm-slim";
  run("docker", ["build", "-q", "--build-arg", `NODE_IMAGE=${node}`, "-t", "shop-web:devloop", "example/web"], env);
  run("docker", ["build", "-q", "--build-arg", `NODE_IMAGE=${node}`, "-t", "shop-migrate:devloop", "example/migrate"], env);
  run("docker", ["build", "-q", "--build-arg", `GO_IMAGE=${env["GO_IMAGE"] ?? "golang:1.22-bookworm"}`, "--build-arg", `RUNTIME_IMAGE=${env["RUNTIME_IMAGE"] ?? "debian:bookworm-20241016-slim"}`, "-t", "shop-api:devloop", "example/api"], env);
};

const timed = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

export interface UpBench {
  readonly file: string;
  readonly devloopMs: number[];
  readonly kubectlMs: number[];
}

export const benchDaemonUp = (runs = 3): UpBench => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  const file = env["DEVLOOP_BENCH_COMPOSE"] ?? "bench/fixtures/up/compose.yml";
  const example = file === "compose.example.yml";
  if (example) buildImages(env);
  const result: UpBench = { file, devloopMs: [], kubectlMs: [] };
  for (let i = 0; i < runs; i++) {
    const id = `${Date.now().toString(36)}${i}`;
    // devloop: new state dir (the CLI starts the daemon), new namespace.
    const stateDir = mkdtempSync(join(tmpdir(), "devloop-bench-"));
    const nsA = `p6-devloop-${id}`;
    const denv = { ...env, DEVLOOP_STATE_DIR: stateDir };
    if (example) run("kubectl", ["apply", "-f", "-"], env, persistentVolume(`${nsA}-pv`));
    result.devloopMs.push(timed(() => run(process.execPath, [devloop, "up", "-d", "-f", file, "-n", nsA, "--no-isolation", "--timeout", "300"], denv)));
    run(process.execPath, [devloop, "down", "-f", file, "-v"], denv);
    run(process.execPath, [devloop, "daemon", "stop"], denv);
    rmSync(stateDir, { recursive: true, force: true });

    // kubectl: the same manifests, applied at once, then wait for every rollout and the Job.
    const nsB = `p6-kubectl-${id}`;
    if (example) run("kubectl", ["apply", "-f", "-"], env, persistentVolume(`${nsB}-pv`));
    const manifests = execFileSync(process.execPath, [devloop, "render", "-f", file, "-n", nsB], { cwd: root, env, encoding: "utf8" });
    const deployments = [...manifests.matchAll(/^kind: Deployment\nmetadata:\n(?: {2}.*\n)*? {2}name: (\S+)/gm)].map((m) => m[1] ?? "");
    if (deployments.length === 0) throw new Error("no Deployment in the rendered manifests");
    result.kubectlMs.push(
      timed(() => {
        run("kubectl", ["apply", "-f", "-"], env, manifests);
        // Every Deployment rolled out (kubectl has no depends_on, so nothing waits on the Job).
        for (const d of deployments) run("kubectl", ["-n", nsB, "rollout", "status", `deployment/${d}`, "--timeout=300s"], env);
      }),
    );
    run("kubectl", ["delete", "namespace", nsB, "--wait=false"], env);
    run("kubectl", ["delete", "pv", "-l", "devloop.dev/bench=p6", "--wait=false"], env);
  }
  return result;
};

export const formatDaemonUp = (r: UpBench): string => {
  const d = median(r.devloopMs);
  const k = median(r.kubectlMs);
  return [
    `Project: ${r.file}`,
    "",
    "| what | runs (ms) | median |",
    "| --- | --- | --- |",
    `| devloop up --detach (cold: daemon start + apply in depends_on order + ready) | ${r.devloopMs.map((x) => x.toFixed(0)).join(", ")} | ${fmt(d)} |`,
    `| kubectl apply + rollout status of every Deployment (same rendered manifests) | ${r.kubectlMs.map((x) => x.toFixed(0)).join(", ")} | ${fmt(k)} |`,
    "",
    `Median ratio devloop / kubectl: **${(d / k).toFixed(2)}** (target ≤ 1.2).`,
  ].join("\n");
};
