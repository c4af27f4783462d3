// Compiler containers against the real Docker engine: example/api compiled with the Go preset in the bed's Go image
// (source bind-mounted read-only, named cache volume), the artifact copied out; a second compile reuses the cache;
// a broken main.go returns the compiler's message and exit code instead of throwing.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheVolumeName, createDockerodeCompiler } from "../../src/adapters/dockerode-compiler.js";
import type { CompileSpec } from "../../src/compile/compile-spec.js";
import { loadCompilerPresets } from "../../src/compile/load-compiler-presets.js";
import { bedImages } from "./helpers/index.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const project = `dlcompileit${randomBytes(3).toString("hex")}`;
const docker = new Docker();
const compiler = createDockerodeCompiler({ docker, pull: false });
const projectContainers = async (): Promise<string[]> =>
  (await docker.listContainers({ all: true, filters: { label: [`dev.devloop.project=${project}`] } })).map((c) => c.Id);

describe("dockerode compiler on the real Docker engine", () => {
  let source = "";
  let spec: CompileSpec;

  beforeAll(async () => {
    source = await mkdtemp(path.join(tmpdir(), "devloop-compile-it-"));
    await cp(path.join(repoRoot, "example/api"), source, { recursive: true });
    const go = (await loadCompilerPresets(path.join(repoRoot, "templates/compilers")))["go"];
    if (!go) throw new Error("templates/compilers/go.yaml missing");
    spec = { service: "api", preset: "go", image: bedImages().go, command: go.command, workdir: go.workdir, output: "/out/api", target: "/app/api", source, cache: go.cache, env: go.env };
  });

  afterAll(async () => {
    await compiler.close();
    expect(await projectContainers()).toEqual([]);
    await rm(source, { recursive: true, force: true });
    for (let i = 0; i < 2; i++) await docker.getVolume(cacheVolumeName(project, "api", i)).remove({ force: true }).catch(() => undefined);
  });

  it("compiles example/api to an ELF binary, and a second compile reuses the cache volume", async () => {
    const first = await compiler.compile({ project, spec }, () => undefined);
    if (!first.ok) throw new Error(first.output);
    expect(Buffer.from(first.artifact.subarray(0, 4)).toString("latin1")).toBe("\x7fELF");
    expect(first.artifact.length).toBeGreaterThan(1_000_000);
    expect(first.mode & 0o111).not.toBe(0);
    const volume = await docker.getVolume(cacheVolumeName(project, "api", 0)).inspect();
    expect(volume.Labels).toMatchObject({ "dev.devloop.project": project, "dev.devloop.service": "api" });

    // An edit, so go build has to compile main again, while the standard library comes from the cache.
    const main = path.join(source, "main.go");
    await writeFile(main, (await readFile(main, "utf8")).replace('"hello from api"', '"hello again from api"'));
    const second = await compiler.compile({ project, spec }, () => undefined);
    if (!second.ok) throw new Error(second.output);
    expect(Buffer.from(second.artifact).includes("hello again from api")).toBe(true);
    // The artifact is complete and runs (a static Linux binary): with a bad port it logs and exits 1.
    const binary = path.join(source, "..", `${path.basename(source)}-api`);
    await writeFile(binary, second.artifact, { mode: second.mode });
    const run = spawnSync(binary, [], { env: { PORT: "not-a-port" }, encoding: "utf8", timeout: 10_000 });
    await rm(binary, { force: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("api listening on :not-a-port");
    console.log(`compile example/api: cold ${first.timings.totalMs} ms (run ${first.timings.runMs} ms), warm cache ${second.timings.totalMs} ms (run ${second.timings.runMs} ms)`);
    expect(second.timings.totalMs).toBeLessThan(first.timings.totalMs);
  });

  it("returns the compiler's errors and exit code for a broken main.go, without throwing", async () => {
    const broken = await mkdtemp(path.join(tmpdir(), "devloop-compile-broken-"));
    try {
      await cp(source, broken, { recursive: true });
      await writeFile(path.join(broken, "main.go"), "package main\n\nfunc main() {\n\tundefinedThing()\n}\n");
      const lines: string[] = [];
      const result = await compiler.compile({ project, spec: { ...spec, source: broken } }, (l) => lines.push(l));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      console.log(`compile error: exit ${result.exitCode}; ${result.message}\n${result.output}`);
      expect(result.exitCode).toBeGreaterThan(0);
      expect(result.output).toContain("./main.go:4:2: undefined: undefinedThing");
      expect(result.message).toMatch(/^compile api: exit \d+: .*undefined: undefinedThing/);
      expect(lines.join("\n")).toContain("undefined: undefinedThing");
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it("replaces a kept compiler container that was removed by hand", async () => {
    expect((await compiler.compile({ project, spec }, () => undefined)).ok).toBe(true);
    const [kept] = await projectContainers();
    expect(kept).toBeDefined();
    await docker.getContainer(kept ?? "").remove({ force: true });
    const result = await compiler.compile({ project, spec }, () => undefined);
    expect(result.ok).toBe(true);
    expect((await projectContainers()).length).toBe(1);
  });

  it("runs concurrent compiles of one service one after the other, each with a whole artifact", async () => {
    const results = await Promise.all([1, 2, 3].map(() => compiler.compile({ project, spec }, () => undefined)));
    const sizes = results.map((r) => (r.ok ? r.artifact.length : -1));
    expect(sizes.every((size) => size > 1_000_000 && size === sizes[0])).toBe(true);
  });

  it("sees a source directory that was replaced (not edited in place)", async () => {
    const copy = `${source}-copy`;
    await cp(source, copy, { recursive: true });
    const main = path.join(copy, "main.go");
    await writeFile(main, (await readFile(main, "utf8")).replace(/const message = ".*"/, 'const message = "from a replaced directory"'));
    await rm(source, { recursive: true, force: true });
    await rename(copy, source);
    const result = await compiler.compile({ project, spec }, () => undefined);
    if (!result.ok) throw new Error(result.output);
    expect(Buffer.from(result.artifact).includes("from a replaced directory")).toBe(true);
  });

  it("one-shot mode (warm: false) compiles in a fresh container and removes it", async () => {
    const oneShot = createDockerodeCompiler({ docker, pull: false, warm: false });
    const before = await projectContainers();
    const result = await oneShot.compile({ project, spec }, () => undefined);
    if (!result.ok) throw new Error(result.output);
    expect(Buffer.from(result.artifact.subarray(0, 4)).toString("latin1")).toBe("\x7fELF");
    expect(await projectContainers()).toEqual(before);
    console.log(`compile example/api one-shot with a warm cache: ${result.timings.totalMs} ms (run ${result.timings.runMs} ms)`);
  });

  it("reports a missing compiler image as a failed compile (exit -1)", async () => {
    const result = await compiler.compile({ project, spec: { ...spec, image: `devloop/no-such-compiler:${project}` } }, () => undefined);
    expect(result).toMatchObject({ ok: false, exitCode: -1 });
    if (!result.ok) expect(result.message).toContain("is not present on the Docker engine");
  });
});
