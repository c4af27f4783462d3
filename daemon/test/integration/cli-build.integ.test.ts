/**
 * devloop build on the bed's Docker engine: a build: service is built with its content-hash tag as up would build it
 * (-q prints only the reference), a second build finds the tag unchanged, and naming a service without build: is a
 * user error. No daemon and no cluster objects are involved.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bin, nodeImage, projectDir, suffix } from "./daemon-support.js";

const name = `dlbuild${suffix()}`;

describe("devloop build", () => {
  const project = projectDir(`
name: ${name}
services:
  web:
    build: ./web
  db:
    image: ${nodeImage}
`);
  mkdirSync(join(project.dir, "web"));
  writeFileSync(join(project.dir, "web", "Dockerfile"), `FROM ${nodeImage}\nCOPY hello.txt /hello.txt\n`);
  writeFileSync(join(project.dir, "web", "hello.txt"), `hello ${name}\n`);
  afterAll(() => {
    spawnSync("sh", ["-c", `docker images --format '{{.Repository}}:{{.Tag}}' | grep '^${name}-' | xargs -r docker rmi -f`]);
    project.remove();
  });

  const devloop = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: project.dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 300_000 });

  it("builds the build: services with their content-hash tag; again, finds it unchanged", () => {
    const first = devloop("build", "-q");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${name}-web:dl-[0-9a-f]{12}\\n$`));
    const ref = first.stdout.trim();
    const inspect = spawnSync("docker", ["image", "inspect", ref], { encoding: "utf8" });
    expect(inspect.status, inspect.stderr).toBe(0);
    const again = devloop("build", "web");
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`web | unchanged ${ref}`);
  }, 300_000);

  it("a service without build: named is a user error", () => {
    const result = devloop("build", "db");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`devloop: db has no build: section (it runs ${nodeImage}); nothing to build\n`);
  }, 60_000);
});
