import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadProject } from "../../../daemon/src/compose/index.js";
import { createMemoryFileSystem } from "../../../daemon/src/compose/memory-file-system.js";
import { commandExamples } from "../help-examples.js";
import { buildRequests } from "./build.js";

const BIN = fileURLToPath(new URL("../../../bin/devloop.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "devloop-exit-"));
// A state directory of its own: no daemon runs there, and none is started.
const stateDir = mkdtempSync(join(tmpdir(), "devloop-exit-state-"));
writeFileSync(join(dir, "compose.yml"), "name: shop\nservices:\n  web:\n    image: nginx\n  worker:\n    build: ./w\n  debug:\n    image: busybox\n    profiles: [debug]\n");
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

const devloop = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DEVLOOP_STATE_DIR: stateDir } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe("exit codes and the commands that need no cluster", () => {
  it("an unknown command or option is a user error (1); --help is 0 and shows examples", () => {
    expect(devloop("frobnicate").status).toBe(1);
    expect(devloop("ps", "--bogus").status).toBe(1);
    const help = devloop("exec", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("$ devloop exec web sh");
  }, 60_000);

  it("every command main.ts declares has --help examples", () => {
    const help = devloop("--help").stdout;
    const commands = [...help.slice(help.indexOf("Commands:")).matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]).filter((c) => c !== "help");
    expect(commands.length).toBeGreaterThan(15);
    expect(commands.filter((c) => c !== undefined && commandExamples[c] === undefined)).toEqual([]);
  }, 30_000);

  it("ps, port, exec and run without a daemon say so and exit 1, without starting one", () => {
    for (const args of [["ps"], ["port", "web", "80"], ["exec", "web", "true"], ["run", "web", "true"]]) {
      const result = devloop(...args);
      expect(result.status, args.join(" ")).toBe(1);
      expect(result.stderr).toBe("devloop: no devloop daemon is running (devloop up starts one)\n");
    }
  }, 90_000);

  it("version prints this version and that no daemon runs; --short only the number", () => {
    expect(devloop("version")).toMatchObject({ status: 0, stdout: expect.stringMatching(/^devloop version 0\.1\.0 \(node [\d.]+\)\ndaemon: not running\n$/) as unknown });
    expect(devloop("version", "--short").stdout).toBe("0.1.0\n");
  }, 30_000);

  it("the completion helper lists every service, of every profile, and no namespaces without a daemon", () => {
    expect(devloop("__complete", "services")).toMatchObject({ status: 0, stdout: "web\nworker\ndebug\n" });
    expect(devloop("__complete", "namespaces")).toMatchObject({ status: 0, stdout: "" });
    expect(devloop("completion", "tcsh")).toMatchObject({ status: 1, stderr: 'devloop: devloop completion: expected bash, zsh or fish; got "tcsh"\n' });
  }, 60_000);

  it("the bash completion script parses and offers commands and services", () => {
    const script = devloop("completion", "bash").stdout;
    const complete = (line: string): string[] => {
      const words = line.split(" ");
      const run = spawnSync("bash", ["-c", `devloop() { node ${BIN} "$@"; }\n${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _devloop; printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd: dir, encoding: "utf8", env: { ...process.env, DEVLOOP_STATE_DIR: stateDir } });
      return run.stdout.trim().split("\n");
    };
    expect(complete("devloop ex")).toEqual(["exec"]);
    expect(complete("devloop -f compose.yml logs w")).toEqual(["web", "worker"]);
    expect(complete("devloop up --wa")).toEqual(["--wait", "--wait-timeout"]);
  }, 60_000);

  it("build: the services with build:, or the one named; a named one without build: is an error", () => {
    const loaded = loadProject({ files: ["/p/compose.yml"], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem({ "/p/compose.yml": "services:\n  web:\n    image: nginx\n  api:\n    build: ./api\n" }));
    if (!loaded.ok) throw new Error("fixture did not load");
    expect(buildRequests(loaded.project, []).map((r) => [r.service, r.image])).toEqual([["api", "p-api:devloop"]]);
    expect(() => buildRequests(loaded.project, ["web"])).toThrow("web has no build: section (it runs nginx); nothing to build");
    expect(() => buildRequests(loaded.project, ["nope"])).toThrow('no service "nope" in project p');
  });
});
