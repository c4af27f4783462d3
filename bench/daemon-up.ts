/**
 * P6: `devloop up --detach` cold on the example (fresh state dir, so the daemon starts too; fresh namespace)
 * against `kubectl apply` of the same rendered manifests + rollout/complete waits, as a median ratio.
 * Needs the local cluster (scripts/local-cluster up; its env exported). The bed has no volume provisioner, so
 * each run gets a hostPath PersistentVolume for the example's cache-data claim.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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

const persistentVolume = (name: string): string =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, labels: { "devloop.dev/bench": "p6" } },
    spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Delete", hostPath: { path: join(tmpdir(), name), type: "DirectoryOrCreate" } },
  });

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
  readonly devloopMs: number[];
  readonly kubectlMs: number[];
}

export const benchDaemonUp = (runs = 3): UpBench => {
  const env = { ...process.env, NO_COLOR: "1" };
  buildImages(env);
  const result: UpBench = { devloopMs: [], kubectlMs: [] };
  for (let i = 0; i < runs; i++) {
    const id = `${Date.now().toString(36)}${i}`;
    // devloop: new state dir (the CLI starts the daemon), new namespace.
    const stateDir = mkdtempSync(join(tmpdir(), "devloop-bench-"));
    const nsA = `p6-devloop-${id}`;
    const denv = { ...env, DEVLOOP_STATE_DIR: stateDir };
    run("kubectl", ["apply", "-f", "-"], env, persistentVolume(`${nsA}-pv`));
    result.devloopMs.push(timed(() => run(process.execPath, [devloop, "up", "-d", "-f", "compose.example.yml", "-n", nsA, "--no-isolation", "--timeout", "300"], denv)));
    run(process.execPath, [devloop, "down", "-f", "compose.example.yml", "-v"], denv);
    run(process.execPath, [devloop, "daemon", "stop"], denv);
    rmSync(stateDir, { recursive: true, force: true });

    // kubectl: the same manifests, applied at once, then wait for every rollout and the Job.
    const nsB = `p6-kubectl-${id}`;
    run("kubectl", ["apply", "-f", "-"], env, persistentVolume(`${nsB}-pv`));
    const manifests = execFileSync(process.execPath, [devloop, "render", "-f", "compose.example.yml", "-n", nsB], { cwd: root, env, encoding: "utf8" });
    result.kubectlMs.push(
      timed(() => {
        run("kubectl", ["apply", "-f", "-"], env, manifests);
        run("kubectl", ["-n", nsB, "rollout", "status", "deployment", "--timeout=300s"], env);
        run("kubectl", ["-n", nsB, "wait", "--for=condition=complete", "job", "--all", "--timeout=300s"], env);
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
    "| what | runs (ms) | median |",
    "| --- | --- | --- |",
    `| devloop up --detach (cold: daemon start + apply in depends_on order + ready) | ${r.devloopMs.map((x) => x.toFixed(0)).join(", ")} | ${fmt(d)} |`,
    `| kubectl apply + rollout status + wait job (same rendered manifests) | ${r.kubectlMs.map((x) => x.toFixed(0)).join(", ")} | ${fmt(k)} |`,
    "",
    `Median ratio devloop / kubectl: **${(d / k).toFixed(2)}** (target ≤ 1.2).`,
  ].join("\n");
};
