// scripts/local-cluster's entry point, without touching a bed: every part parses, the commands that need no cluster
// answer as documented (usage, env's exports, the exit codes of wrong arguments), and nothing is started.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./local-cluster", import.meta.url));
const partsDir = fileURLToPath(new URL("./local-cluster.d/", import.meta.url));
// An empty state dir: no pid files, so nothing counts as running and nothing of a real bed is read.
const state = mkdtempSync(join(tmpdir(), "devloop-lc-test-"));
afterAll(() => rmSync(state, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync("bash", [script, ...args], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, DEVLOOP_CLUSTER_STATE: state, DEVLOOP_CACHE: join(state, "cache") },
  });
const isRoot = process.getuid?.() === 0;

describe("scripts/local-cluster", () => {
  it("the entry point and every part under local-cluster.d parse (bash -n)", () => {
    const parts = readdirSync(partsDir).filter((f) => f.endsWith(".sh"));
    expect(parts).toEqual(expect.arrayContaining(["lib.sh", "process.sh", "up.sh", "status.sh", "node2.sh"]));
    for (const file of [script, ...parts.map((p) => join(partsDir, p))]) {
      const r = spawnSync("bash", ["-n", file], { encoding: "utf8" });
      expect(r.status, `${file}: ${r.stderr}`).toBe(0);
    }
  });

  it("help prints the usage from the entry point's header and exits 0", () => {
    const r = run("help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^devloop's local test bed: Kubernetes 1\.20\.2/);
    for (const cmd of ["up", "up --nodes 2", "down", "down-node2", "status", "env", "images"]) {
      expect(r.stdout).toContain(`scripts/local-cluster ${cmd}`);
    }
  });

  it("no command or an unknown one prints the usage on stderr and exits 2", () => {
    for (const args of [[], ["bogus"]]) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("scripts/local-cluster up --nodes 2");
    }
  });

  it("env prints the exports, and no registry ones while no registry runs", () => {
    const r = run("env");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        `export KUBECONFIG=${state}/admin.kubeconfig`,
        "export NODE_IMAGE=devloop/node:18-bookworm",
        "export GO_IMAGE=devloop/go:1.19-bookworm",
        "export RUNTIME_IMAGE=devloop/runtime:bookworm",
        "export REDIS_IMAGE=devloop/redis:7-bookworm",
        "export PYTHON_IMAGE=devloop/python:3.11-bookworm",
        `export DEVLOOP_CLUSTER_STATE=${state}`,
        "",
      ].join("\n"),
    );
  });

  it("up refuses a wrong --nodes or argument with exit 2 before doing anything (as root; otherwise it asks for root)", () => {
    const cases: [string[], string][] = [
      [["up", "--nodes", "3"], "--nodes must be 1 or 2, found '3'"],
      [["up", "--nodes=0"], "--nodes must be 1 or 2, found '0'"],
      // A missing value used to loop for ever (shift 2 with one argument left).
      [["up", "--nodes"], "--nodes must be 1 or 2, found ''"],
      [["up", "--foo"], "unknown argument to up: --foo (expected --nodes 1|2)"],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      if (isRoot) {
        expect(r.status, args.join(" ")).toBe(2);
        expect(r.stderr).toContain(message);
      } else {
        expect(r.status, args.join(" ")).toBe(1);
        expect(r.stderr).toContain("must run as root");
      }
    }
    // Refused before the lock: the state dir got nothing.
    expect(readdirSync(state)).toEqual([]);
  });
});
