// The bed's runtime wrapper (local-cluster.d/dockerd.sh, runtime_wrapper_text), run against a fake runc: a negative
// oomScoreAdj is clamped to 0 in a bundle's config.json and an exec's process.json, runc gets the arguments unchanged,
// and only a file that holds a negative score starts jq (every runc call passes through the wrapper, exec probes'
// included). No bed needed: runc and jq are scripts in a temporary PATH directory that log their calls.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

const dockerdPart = fileURLToPath(new URL("./local-cluster.d/dockerd.sh", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "devloop-wrapper-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bin = join(dir, "bin");
const log = join(dir, "calls.log");
const realJq = spawnSync("sh", ["-c", "command -v jq"], { encoding: "utf8" }).stdout.trim();
const hasJq = realJq !== "";
mkdirSync(bin);
const script = (path: string, text: string) => {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
};
// The fake runc logs its arguments, one per line after a marker; the jq logs that it started, then runs the real one.
script(join(bin, "runc"), `#!/bin/sh\n{ echo runc; for a in "$@"; do echo "  $a"; done; } >>"${log}"\n`);
script(join(bin, "jq"), `#!/bin/sh\necho jq >>"${log}"\nexec "${realJq}" "$@"\n`);

const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` };
const wrapper = join(dir, "devloop-runc");
script(
  wrapper,
  spawnSync("bash", ["-c", `source "${dockerdPart}" && runtime_wrapper_text`], { encoding: "utf8", env }).stdout,
);

const calls = () => {
  try {
    return readFileSync(log, "utf8");
  } catch {
    return "";
  }
};
const runWrapper = (...args: string[]) => {
  const r = spawnSync(wrapper, args, { encoding: "utf8", env, cwd: dir });
  expect(r.status, r.stderr).toBe(0);
  return calls();
};
const runcLog = (args: string[]) => `runc\n${args.map((a) => `  ${a}\n`).join("")}`;

// Shaped as containerd's shim and dockerd write them (encoding/json: no spaces), with the scores the kubelet asks.
const config = (adj: number) =>
  JSON.stringify({ ociVersion: "1.0.2-dev", process: { args: ["/pause"], env: ["A=\"oomScoreAdj\":-1"], oomScoreAdj: adj }, root: { path: "rootfs" } });
const processJson = (adj: number) => JSON.stringify({ user: { uid: 0, gid: 0 }, args: ["redis-cli", "ping"], oomScoreAdj: adj });
const shimFlags = ["--root", "/run/runc/moby", "--log", "/run/x/log.json", "--log-format", "json"];
const bundle = join(dir, "bundle");
const processFile = join(dir, "runc-process123");
const adjOf = (file: string, path: (j: Record<string, unknown>) => unknown) => path(JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>);

beforeEach(() => {
  rmSync(log, { force: true });
  rmSync(bundle, { recursive: true, force: true });
  mkdirSync(bundle);
});

describe.skipIf(!hasJq)("the bed's runtime wrapper (devloop-runc)", () => {
  it("is valid POSIX sh and calls runc and jq by the paths found when it was written", () => {
    expect(spawnSync("sh", ["-n", wrapper]).status).toBe(0);
    const text = readFileSync(wrapper, "utf8");
    expect(text).toContain(`exec ${join(bin, "runc")} "$@"`);
    expect(text).toContain(`${join(bin, "jq")} 'if`);
  });

  it("clamps a sandbox's -998 in the bundle's config.json to 0 with one jq, and passes runc the same arguments", () => {
    writeFileSync(join(bundle, "config.json"), config(-998));
    const args = [...shimFlags, "create", "--bundle", bundle, "--pid-file", "/run/x/init.pid", "sandbox1"];
    expect(runWrapper(...args)).toBe(`jq\n${runcLog(args)}`);
    const out = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as { process: { oomScoreAdj: number; env: string[] } };
    expect(out.process.oomScoreAdj).toBe(0);
    expect(out.process.env).toEqual(['A="oomScoreAdj":-1']);
  });

  it("clamps an exec's negative score (a Guaranteed pod's -997) in --process, --process= and -p forms, pretty-printed too", () => {
    for (const [form, text] of [
      [(f: string) => ["--process", f], processJson(-997)],
      [(f: string) => [`--process=${f}`], processJson(-997)],
      [(f: string) => ["-p", f], JSON.stringify(JSON.parse(processJson(-997)), null, 2)],
    ] as const) {
      rmSync(log, { force: true });
      writeFileSync(processFile, text);
      const args = [...shimFlags, "exec", ...form(processFile), "--detach", "--pid-file", "/run/x/p.pid", "c1"];
      expect(runWrapper(...args)).toBe(`jq\n${runcLog(args)}`);
      expect(adjOf(processFile, (j) => j.oomScoreAdj)).toBe(0);
    }
  });

  it("starts no jq and leaves the file as it was for a score of 0 or more (an exec probe into a Burstable pod)", () => {
    for (const adj of [0, 2, 1000]) {
      rmSync(log, { force: true });
      writeFileSync(processFile, processJson(adj));
      writeFileSync(join(bundle, "config.json"), config(adj));
      const exec = [...shimFlags, "exec", "--process", processFile, "--detach", "c1"];
      const create = [...shimFlags, "create", "--bundle", bundle, "c1"];
      expect(runWrapper(...exec)).toBe(runcLog(exec));
      expect(runWrapper(...create)).toBe(runcLog(exec) + runcLog(create));
      expect(readFileSync(processFile, "utf8")).toBe(processJson(adj));
      expect(readFileSync(join(bundle, "config.json"), "utf8")).toBe(config(adj));
    }
  });

  it("reads no file for the other subcommands, even with a --bundle, and finds the subcommand after the global flags' values", () => {
    writeFileSync(join(bundle, "config.json"), config(-998));
    const cases = [
      [...shimFlags, "delete", "--force", "c1"],
      [...shimFlags, "state", "c1"],
      ["--root", "exec", "--systemd-cgroup", "kill", "c1", "9"],
      [...shimFlags, "start", "--bundle", bundle, "c1"],
    ];
    let expected = "";
    for (const args of cases) {
      expected += runcLog(args);
      expect(runWrapper(...args)).toBe(expected);
    }
    expect(readFileSync(join(bundle, "config.json"), "utf8")).toBe(config(-998));
    // restore carries a bundle, as create and run do.
    const restore = ["--log=/x", "restore", "--bundle", bundle, "c1"];
    expect(runWrapper(...restore)).toBe(`${expected}jq\n${runcLog(restore)}`);
    expect(adjOf(join(bundle, "config.json"), (j) => (j.process as { oomScoreAdj: number }).oomScoreAdj)).toBe(0);
  });

  it("leaves a missing file to runc", () => {
    const args = [...shimFlags, "exec", "--process", join(dir, "no-such.json"), "c1"];
    expect(runWrapper(...args)).toBe(runcLog(args));
  });
});
