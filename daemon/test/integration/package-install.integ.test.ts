/**
 * The npm package as a user gets it: `npm pack` (its prepack builds dist/) and `npm install -g` of the tarball into
 * a prefix of its own (scripts/pack-install.ts), then the installed `devloop` run from folders outside the clone:
 * --help, render, and up / ps / down on the local cluster with a build: service, through a daemon the installed CLI
 * starts. Nothing is compiled at run time: the package holds no TypeScript and the run-time build's cache stays empty.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAndInstall, type InstalledPackage } from "../../../scripts/pack-install.js";
import { freePort, kube, nodeImage, repoRoot, suffix } from "./daemon-support.js";
import { bedKubeconfigPath } from "./helpers/kube-config.js";

const work = mkdtempSync(join(tmpdir(), "devloop-pkg-it-"));
const stateDir = join(work, "state");
const buildCache = join(work, "build-cache");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DEVLOOP_STATE_DIR: stateDir,
  DEVLOOP_BUILD_CACHE: buildCache,
  KUBECONFIG: bedKubeconfigPath(),
  DEVLOOP_USER: "it",
  NO_COLOR: "1",
  // Pods without a placement constraint run on the bed's first node, whose engine builds the image: no registry
  // push, also on a two-node bed (scripts/local-cluster up --nodes 2 exports DEVLOOP_REGISTRY).
  DEVLOOP_IMAGE_DELIVERY: "docker",
};

const run = (pkg: InstalledPackage, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(pkg.bin, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });

const folder = (name: string, files: Record<string, string> = {}): string => {
  const dir = join(work, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe("the npm package, installed from its tarball", () => {
  let pkg: InstalledPackage;
  const name = `dlpkg${suffix()}`;
  const ns = `${name}-ns`;

  beforeAll(() => {
    pkg = packAndInstall(join(work, "prefix"));
  }, 300_000);

  afterAll(async () => {
    if (pkg !== undefined && existsSync(join(stateDir, "daemon.json"))) {
      await run(pkg, ["down", "-p", name, "-n", ns, "--volumes"], work, 120_000);
      await run(pkg, ["daemon", "stop"], work);
    }
    await kube().core.deleteNamespace({ name: ns }).catch(() => undefined);
    spawnSync("sh", ["-c", `docker images --format '{{.Repository}}:{{.Tag}}' | grep '^${name}-' | xargs -r docker rmi -f`]);
    rmSync(work, { recursive: true, force: true });
  }, 180_000);

  it("ships built JavaScript, the templates and the dashboard, and no TypeScript", () => {
    expect(pkg.files).toContain("dist/main.mjs");
    expect(pkg.files).toContain("bin/devloop.js");
    expect(pkg.files).toContain("templates/k8s/deployment.yaml");
    // Every file the dashboard serves (not its type-check-only .d.ts and tsconfig.json).
    const publicDir = join(repoRoot, "daemon/src/server/public");
    const served = readdirSync(publicDir, { recursive: true, encoding: "utf8" })
      .filter((f) => statSync(join(publicDir, f)).isFile() && !f.endsWith(".d.ts") && f !== "tsconfig.json")
      .map((f) => `daemon/src/server/public/${f}`);
    expect(served.length).toBeGreaterThan(5);
    expect(served.filter((f) => !pkg.files.includes(f))).toEqual([]);
    expect(pkg.files.filter((f) => /\.[cm]?ts$/.test(f))).toEqual([]);
    expect(pkg.files).not.toContain("bin/run-time-build.js");
    expect(existsSync(join(pkg.dir, "node_modules", "tsx"))).toBe(false);
  });

  it("runs --help and --version from an empty folder", async () => {
    const empty = folder("empty");
    const help = await run(pkg, ["--help"], empty);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: devloop \[global options\] <command> \[options\]/);
    expect(help.stdout).toContain("render");
    const version = await run(pkg, ["--version"], empty);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // No compose file here: a user error, located and without a stack trace.
    const render = await run(pkg, ["render"], empty);
    expect(render.code).toBe(1);
    expect(render.stderr).toContain("no compose file found");
    expect(render.stderr).not.toMatch(/\n\s+at /);
  });

  it("renders a compose project outside the clone, with its built-in templates, compiling nothing", async () => {
    const dir = folder("render", { "compose.yaml": `services:\n  web:\n    image: ${nodeImage}\n    ports: ["8080:3000"]\n` });
    const render = await run(pkg, ["render", "-n", "pkg-test"], dir);
    expect(render.code, render.stderr).toBe(0);
    expect(render.stdout).toMatch(/^kind: Deployment$/m);
    expect(render.stdout).toMatch(/^ {2}namespace: pkg-test$/m);
    expect(render.stdout).toContain(`image: ${nodeImage}`);
    const json = await run(pkg, ["render", "-o", "json", "--as-applied"], dir);
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { items: unknown[] }).items.length).toBeGreaterThan(2);
    expect(existsSync(buildCache) ? readdirSync(buildCache) : []).toEqual([]);
  });

  it("runs up (a build: service) on the local cluster through the daemon it starts, then ps and down", async () => {
    const port = await freePort();
    const dir = folder("up", {
      "compose.yaml": `name: ${name}\nservices:\n  web:\n    build: ./web\n    ports: ["${port}:3000"]\n`,
      "web/Dockerfile": `FROM ${nodeImage}\nCOPY server.js /server.js\nCMD ["node", "/server.js"]\n`,
      "web/server.js": `require("http").createServer((q, s) => s.end("hello from the package")).listen(3000);\n`,
    });
    const up = await run(pkg, ["-n", ns, "up", "-d", "--wait-timeout", "150"], dir, 170_000);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(up.stdout).toContain(`${name}: all services ready`);
    const answer = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(answer).toBe("hello from the package");
    // The daemon is the installed package's: it serves the dashboard from the package's files.
    const status = await run(pkg, ["daemon", "status"], dir);
    expect(status.code, status.stderr).toBe(0);
    const daemonPort = /on 127\.0\.0\.1:(\d+)/.exec(status.stdout)?.[1];
    expect(await (await fetch(`http://127.0.0.1:${daemonPort ?? "0"}/`)).text()).toContain("<!doctype html>");
    const ps = await run(pkg, ["ps", "--services"], dir);
    expect(ps.stdout.trim()).toBe("web");
    const down = await run(pkg, ["down", "-n", ns, "--volumes"], dir, 120_000);
    expect(down.code, down.stderr).toBe(0);
    expect(existsSync(buildCache) ? readdirSync(buildCache) : []).toEqual([]);
  });
});
