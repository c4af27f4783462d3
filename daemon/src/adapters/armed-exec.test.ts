/** Armed commands over a local sh standing in for kube-exec's stream (stdin held open, as over the WebSocket). */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContainerExec } from "../ports/container-exec.js";
import { armedCommand, createArmedExec } from "./armed-exec.js";
import type { ExecStream, KubeExecStreamOpener } from "./kube-exec.js";

const localStream: KubeExecStreamOpener = (_target, command) => {
  const [bin, ...args] = command;
  const child = spawn(bin ?? "false", args, { stdio: ["pipe", "pipe", "pipe"] });
  const ended = new Promise<{ exitCode?: number; message: string }>((resolve) => child.on("close", (code) => resolve({ exitCode: code ?? -1, message: "ended" })));
  const stream: ExecStream = {
    write: (data) => { child.stdin.write(data); },
    onStdout: (l) => { child.stdout.on("data", l); },
    onStderr: (l) => { child.stderr.on("data", l); },
    ended,
    close: () => { child.stdin.destroy(); child.kill(); },
  };
  return Promise.resolve(stream);
};

const pod = { namespace: "n", pod: "p", container: "c" };
let dir: string;
let fallbacks: string[][];
const fallback: ContainerExec = (_t, command) => { fallbacks.push([...command]); return Promise.resolve({ exitCode: 0, stdout: "fallback\n", stderr: "" }); };
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), "devloop-armed-")); fallbacks = []; });
afterEach(() => rm(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createArmedExec", () => {
  it("runs nothing until fired, then the command with its exit code and output", async () => {
    const arm = createArmedExec(localStream, fallback);
    const marker = path.join(dir, "ran");
    const armed = arm(pod, ["/bin/sh", "-c", 'touch "$0"; echo out; echo err >&2; exit 5', marker]);
    await sleep(150);
    expect(existsSync(marker)).toBe(false);
    expect(await armed.fire()).toEqual({ exitCode: 5, stdout: "out\n", stderr: "err\n" });
    expect(existsSync(marker)).toBe(true);
    await expect(armed.fire()).rejects.toThrow(/at most once/);
    expect(fallbacks).toEqual([]);
  });

  it("a cancelled command never runs", async () => {
    const arm = createArmedExec(localStream, fallback);
    const marker = path.join(dir, "ran");
    arm(pod, ["touch", marker]).cancel();
    await sleep(150);
    expect(existsSync(marker)).toBe(false);
  });

  it("falls back to one plain exec when the stream cannot open or ended before the fire", async () => {
    const failing: KubeExecStreamOpener = () => Promise.reject(new Error("403"));
    expect(await createArmedExec(failing, fallback)(pod, ["true"]).fire()).toMatchObject({ stdout: "fallback\n" });
    // A stream whose command is gone (pod replaced): its exec ended, so the command runs through the fallback.
    const gone: KubeExecStreamOpener = (t, _command) => localStream(t, ["true"]);
    const armed = createArmedExec(gone, fallback)(pod, ["echo", "x"]);
    await sleep(150);
    expect(await armed.fire()).toMatchObject({ stdout: "fallback\n" });
    expect(fallbacks).toEqual([["true"], ["echo", "x"]]);
  });

  it("wraps the command so that only a go line starts it", () => {
    expect(armedCommand(["/bin/sh", "-c", "x"])).toEqual(["/bin/sh", "-c", 'read -r go && [ "$go" = go ] && exec "$@"', "devloop-armed", "/bin/sh", "-c", "x"]);
  });
});
