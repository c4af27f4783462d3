// Tests of bin/run-time-build.js (the bundle bin/devloop.js runs; bin/ is not a vitest root, so they live here).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ENTRY, fingerprint, importedNames, SOURCE_DIRS } from "../bin/run-time-build.js";

const repo = fileURLToPath(new URL("../", import.meta.url));
const temps: string[] = [];
const temp = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const write = (root: string, rel: string, text: string): void => {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
};

const run = (root: string, args: readonly string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [join(root, "bin", "devloop.js"), ...args], { cwd: root, env: { ...process.env, DEVLOOP_FROM_SOURCE: "", ...env }, encoding: "utf8", timeout: 120_000 });

/** A minimal clone: the real bin/ and node_modules, a CLI of our own under cli/src. */
const fakeClone = (main: string): string => {
  const root = temp("devloop-clone-");
  mkdirSync(join(root, "bin"));
  for (const f of ["devloop.js", "run-time-build.js"]) copyFileSync(join(repo, "bin", f), join(root, "bin", f));
  symlinkSync(join(repo, "node_modules"), join(root, "node_modules"), "junction");
  write(root, "package.json", JSON.stringify({ type: "module" }));
  write(root, "cli/src/main.ts", main);
  return root;
};

describe("fingerprint", () => {
  it("changes when a bundled source changes or appears, not when a test or the dashboard's files do", () => {
    const root = temp("devloop-fp-");
    write(root, "cli/src/main.ts", "export const a = 1;\n");
    write(root, "daemon/src/x/y.ts", "export const y = 1;\n");
    write(root, "package-lock.json", "{}\n");
    const first = fingerprint(root);
    expect(fingerprint(root)).toBe(first);

    write(root, "daemon/src/x/y.test.ts", "test\n");
    write(root, "daemon/src/server/public/app.js", "dashboard\n");
    expect(fingerprint(root)).toBe(first);

    // Same size, new mtime (an edit that keeps the length).
    write(root, "daemon/src/x/y.ts", "export const y = 2;\n");
    utimesSync(join(root, "daemon/src/x/y.ts"), new Date(), new Date(Date.now() + 5000));
    const edited = fingerprint(root);
    expect(edited).not.toBe(first);

    write(root, "cli/src/new.ts", "export {};\n");
    expect(fingerprint(root)).not.toBe(edited);
  });

  it("differs between clones with the same files (the bundle points into its clone)", () => {
    const a = temp("devloop-fp-");
    const b = temp("devloop-fp-");
    for (const root of [a, b]) write(root, "cli/src/main.ts", "x\n");
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});

describe("importedNames", () => {
  it("reads the names a bundled chunk imports from a package, from esbuild's output", () => {
    const code = [
      'import { CoreV1Api, Watch as Watch2 } from "@kubernetes/client-node";',
      'import Docker from "dockerode";',
      'import express, { Router } from "express";',
      'import { x } from "./chunk-ABC.mjs";',
      'const lazy = () => import("yaml");',
      'import * as all from "chokidar";',
    ].join("\n");
    expect(importedNames(code, "@kubernetes/client-node")).toEqual(["CoreV1Api", "Watch"]);
    expect(importedNames(code, "dockerode")).toEqual(["default"]);
    expect(importedNames(code, "express")).toEqual(["default", "Router"]);
    expect(importedNames(code, "yaml")).toEqual(["*"]);
    expect(importedNames(code, "chokidar")).toEqual(["*"]);
    expect(importedNames(code, "commander")).toEqual([]);
  });
});

describe("bin/devloop.js", () => {
  it("builds into a fresh cache and runs from the bundle, which finds the clone's files", () => {
    const cache = temp("devloop-cache-");
    const version = run(repo, ["--version"], { DEVLOOP_BUILD_CACHE: cache });
    expect(version.stderr).toBe("");
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const builds = readdirSync(cache).filter((name) => existsSync(join(cache, name, ENTRY)));
    expect(builds.length).toBeGreaterThanOrEqual(1);
    const dir = join(cache, builds[0] ?? "");

    // Everything bundled lies where the fingerprint looks, and no import.meta is left to point into the cache.
    const { inputs } = JSON.parse(readFileSync(join(dir, "inputs.json"), "utf8")) as { inputs: string[] };
    expect(inputs.filter((file) => !SOURCE_DIRS.some((d) => file.startsWith(`${d}/`)))).toEqual([]);
    for (const chunk of readdirSync(dir).filter((f) => f.endsWith(".mjs"))) {
      expect(readFileSync(join(dir, chunk), "utf8"), chunk).not.toContain("import.meta");
    }

    // The heavy packages load from their vendor bundles (one file each), not from node_modules.
    const code = readdirSync(dir)
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n");
    expect(code).not.toMatch(/from "(@kubernetes\/client-node|express)"/);
    expect(code).toMatch(/from "file:\/\/[^"]*\/vendor\/[0-9a-f]+\/index\.mjs"/);

    // render reads templates/k8s through import.meta.url: the bundle and the sources print the same manifests.
    const args = ["render", "-f", "compose.example.yml", "-n", "t"];
    const bundled = run(repo, args, { DEVLOOP_BUILD_CACHE: cache });
    const source = run(repo, args, { DEVLOOP_FROM_SOURCE: "1" });
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(bundled.stdout).toContain("kind: Deployment");
    expect(bundled.stdout).toBe(source.stdout);
  }, 120_000);

  it("falls back to tsx when the build fails, and says so once", () => {
    // esbuild cannot resolve the lazy import; tsx never evaluates it, so the sources still run.
    const root = fakeClone('process.stdout.write("from source\\n");\nif (process.env["NEVER"]) await import("./missing.js");\n');
    const cache = temp("devloop-cache-");
    const first = run(root, [], { DEVLOOP_BUILD_CACHE: cache });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe("from source\n");
    expect(first.stderr).toMatch(/^devloop: could not build the run-time bundle, running from the TypeScript sources through tsx .*missing\.js/);

    const second = run(root, [], { DEVLOOP_BUILD_CACHE: cache });
    expect(second.stdout).toBe("from source\n");
    expect(second.stderr).toBe("");

    // Fixing the source changes the fingerprint: the next start builds and runs the bundle.
    write(root, "cli/src/main.ts", 'process.stdout.write(import.meta.url.startsWith("file://") ? "bundled\\n" : "?\\n");\n');
    const fixed = run(root, [], { DEVLOOP_BUILD_CACHE: cache });
    expect(fixed.stderr).toBe("");
    expect(fixed.stdout).toBe("bundled\n");
    expect(readdirSync(cache).some((name) => existsSync(join(cache, name, ENTRY)))).toBe(true);
  }, 120_000);
});
