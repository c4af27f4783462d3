/**
 * "The daemon protects itself" (issue 15 item 2): a project's load runs in a worker thread with a heap limit and a
 * time limit (daemon/src/adapters/isolated-project-loader.ts). A real daemon, its load limit lowered to 96 MiB
 * (DEVLOOP_LOAD_MEMORY_MB), runs one project; another project's compose file is valid but too big to load within the
 * limit (20,000 services, 5 MB). Its `up` gets a located DL-LOAD-002, the daemon is the same process, and it keeps
 * serving the first project: its state, an edit to its compose file loaded and applied, and a new `up` after it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, deploymentEnvWith, kube, projectDir, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/bed-images.js";

describe("a project load past the daemon's limits", () => {
  const daemon = createTestDaemon();
  const runtime = bedImages().runtime;
  const good = `ll${suffix()}`;
  const goodNs = `${good}-ns`;
  const service = (extra = ""): string => `name: ${good}\nservices:\n  app:\n    image: ${runtime}\n    command: ["sleep", "infinity"]\n${extra}`;
  const goodProject = projectDir(service());
  const big = projectDir("services: {}\n");
  const { core } = kube();

  beforeAll(async () => {
    daemon.env["DEVLOOP_LOAD_MEMORY_MB"] = "96";
    await daemon.start();
    const up = await daemon.cli(["up", "-d", "-n", goodNs, "--wait-timeout", "180"], goodProject.dir, 220_000);
    expect(up.code, up.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await daemon.cli(["down", "-p", good, "-n", goodNs], goodProject.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: goodNs }).catch(() => undefined);
    goodProject.remove();
    big.remove();
  }, 240_000);

  it("answers a located DL-LOAD-002, and the same daemon keeps serving the other project", async () => {
    const pid = daemon.process?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    const lines = [`name: big${suffix()}`, "services:"];
    for (let i = 0; i < 20_000; i++) lines.push(`  s${i}:`, `    image: ${runtime}`, "    environment:", `      A: "${"y".repeat(200)}"`);
    writeFileSync(join(big.dir, "compose.yml"), `${lines.join("\n")}\n`);

    const refused = await daemon.cli(["up", "-d", "--wait-timeout", "60"], big.dir, 180_000);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/^compose\.yml.*error DL-LOAD-002/m);
    expect(refused.stderr).toContain("loading the project needed more memory than the daemon allows one load (96 MiB); it was stopped after reading compose.yml");
    expect(refused.stderr).not.toMatch(/internal error|heap out of memory|\n\s+at /);

    // The same process, still answering; the other project untouched and still acted for.
    expect(daemon.process?.exitCode).toBeNull();
    expect((await daemon.client()).info.pid).toBe(pid);
    const other = await daemon.project(good);
    expect(other?.status).toBe("active");
    expect(other?.diagnostics ?? []).toEqual([]);
    goodProject.write(service("    environment:\n      AFTER: load-limit\n"));
    const env = await deploymentEnvWith(goodNs, "app", "AFTER", 120_000);
    expect(env).toContainEqual(expect.objectContaining({ name: "AFTER", value: "load-limit" }));
    // And a new up of it loads (through a new worker) and succeeds.
    const again = await daemon.cli(["up", "-d", "-n", goodNs, "--wait-timeout", "200"], goodProject.dir, 240_000);
    expect(again.code, again.stderr).toBe(0);
    expect(daemon.process?.pid).toBe(pid);
  }, 420_000);
});
