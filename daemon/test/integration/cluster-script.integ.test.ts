// scripts/local-cluster as CI uses it: `up` on a running bed returns fast and closes its output (nothing it
// leaves behind holds the caller's pipe), `status` reports every component, `env` prints the exports.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bedKubeconfigPath } from "./helpers/index.js";

const SCRIPT = fileURLToPath(new URL("../../../scripts/local-cluster", import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Resolves on the child's "close": it has exited AND both output pipes are closed (no daemon holds them). */
function run(args: readonly string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    child.on("error", reject);
  });
}

describe("scripts/local-cluster", () => {
  it("`up` on a running bed returns within seconds and closes its output", async () => {
    const r = await run(["up"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("`status` lists every component as running and the node Ready", async () => {
    const r = await run(["status"]);
    expect(r.code, r.stdout).toBe(0);
    for (const c of ["dockerd", "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "dnsmasq", "dns-watcher", "hostpath-perms"]) {
      expect(r.stdout).toMatch(new RegExp(`^${c}\\s+running\\s+pid \\d+`, "m"));
    }
    expect(r.stdout).toMatch(/^node\/\S+\s+Ready$/m);
  });

  it("`env` prints KUBECONFIG and the base-image variables", async () => {
    const r = await run(["env"]);
    expect(r.code).toBe(0);
    const exports = Object.fromEntries(
      [...r.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    expect(Object.keys(exports)).toEqual(
      expect.arrayContaining(["KUBECONFIG", "NODE_IMAGE", "GO_IMAGE", "RUNTIME_IMAGE", "REDIS_IMAGE"]),
    );
    if (process.env["KUBECONFIG"] === undefined) expect(exports["KUBECONFIG"]).toBe(bedKubeconfigPath());
    expect(exports["NODE_IMAGE"]).toBe("devloop/node:18-bookworm");
  });

  // CI runs the suite on the two-node bed (scripts/test-all: up --nodes 2).
  it("`up --nodes 2` on a running two-node bed returns within seconds; status and env show node 2 and the registry", async () => {
    const up = await run(["up", "--nodes", "2"]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.ms).toBeLessThan(10_000);
    expect(up.stderr).toMatch(/already running; nodes \S+ and \S+-node2 Ready, registry on 127\.0\.0\.1:5000/);
    const status = await run(["status"]);
    expect(status.code, status.stdout).toBe(0);
    for (const c of ["docker-registry", "dockerd-node2", "kubelet-node2"]) expect(status.stdout).toMatch(new RegExp(`^${c}\\s+running\\s+pid \\d+`, "m"));
    expect(status.stdout).toMatch(/^node\/\S+-node2\s+Ready \(taint devloop\.dev\/node2=true:NoSchedule\)$/m);
    expect(status.stdout).toMatch(/^registry 127\.0\.0\.1:5000\s+answering$/m);
    const env = await run(["env"]);
    expect(env.stdout).toContain("export DEVLOOP_REGISTRY=127.0.0.1:5000");
    expect(env.stdout).toMatch(/^export DEVLOOP_BED_NODE2=\S+-node2$/m);
    expect(await (await fetch("http://127.0.0.1:5000/v2/")).text()).toBe("{}");
  });
});
