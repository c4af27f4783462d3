/**
 * The tar syncer end to end without a cluster: its KubeExec runs the exact container command in a local
 * sh (GNU head/tar, like the bed's images), with stdin held open as over the WebSocket.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SyncError } from "../ports/syncer.js";
import { emptyManifest, hashContent } from "../sync/hash-manifest.js";
import { stagedName } from "../sync/atomic-replace.js";
import type { ExecResult, ExecStream, KubeExec, KubeExecStreamOpener } from "./kube-exec.js";
import { createTarSyncer } from "./tar-syncer.js";
import { busyboxPath } from "../../test/support/busybox-path.js";

const localExec = (calls: string[][], env: NodeJS.ProcessEnv = process.env): KubeExec => (_target, command, options = {}) =>
  new Promise<ExecResult>((resolve, reject) => {
    calls.push([...command]);
    const started = performance.now();
    const [bin, ...args] = command;
    const child = spawn(bin ?? "false", args, { stdio: ["pipe", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    child.on("error", reject);
    child.on("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr, ms: performance.now() - started }));
    if (options.stdin) child.stdin.write(options.stdin);
    // Never ended before the command exits: the framing must carry it, as on Kubernetes 1.20.
    child.on("exit", () => child.stdin.destroy());
    const source = options.stdinStream;
    if (source !== undefined) {
      void (async () => {
        for await (const chunk of source) {
          if (child.exitCode !== null || child.stdin.destroyed) return;
          if (!child.stdin.write(chunk)) await new Promise((r) => { child.stdin.once("drain", r); child.stdin.once("close", r); });
        }
      })().catch(() => undefined);
    }
  });

/** A long-lived local sh standing in for the exec session. */
const localStream = (opened: string[][], env: NodeJS.ProcessEnv = process.env): KubeExecStreamOpener => (_target, command) => {
  opened.push([...command]);
  const [bin, ...args] = command;
  const child = spawn(bin ?? "false", args, { stdio: ["pipe", "pipe", "pipe"], env });
  const ended = new Promise<{ exitCode?: number; message: string }>((resolve) => child.on("close", (code) => resolve({ exitCode: code ?? -1, message: "ended" })));
  const stream: ExecStream = {
    write: (data) => { child.stdin.write(data); },
    onStdout: (l) => { child.stdout.on("data", l); },
    onStderr: (l) => { child.stderr.on("data", l); },
    ended,
    close: () => { child.kill(); },
  };
  return Promise.resolve(stream);
};

let root: string;
let target: string;
let calls: string[][];
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "devloop-ts-src-"));
  target = path.join(await mkdtemp(path.join(tmpdir(), "devloop-ts-dst-")), "app");
  calls = [];
  await mkdir(path.join(root, "src"));
  await writeFile(path.join(root, "src/a.js"), "a1");
  await writeFile(path.join(root, "b.txt"), "b1");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(path.dirname(target), { recursive: true, force: true });
});

describe("createTarSyncer (local sh as the container)", () => {
  it("full sync, edit, delete, unchanged, refusal: one exec per batch, manifest advanced", async () => {
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "ns", pod: "p", container: "c" };
    const first = await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest });
    expect([...first.put].sort()).toEqual(["b.txt", "src/a.js"]);
    expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe("a1");

    await writeFile(path.join(root, "src/a.js"), "a2");
    await unlink(path.join(root, "b.txt"));
    await symlink("/etc", path.join(root, "etc"));
    const second = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: first.manifest, paths: ["src/a.js", "b.txt", "etc"] });
    expect(second).toMatchObject({ put: ["src/a.js"], deleted: ["b.txt"], execs: 1, refused: [{ rel: "etc", reason: "it is a symlink to /etc, which is outside the watched root" }] });
    expect(second.phases.execMs).toBeGreaterThan(0);
    expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe("a2");
    await expect(lstat(path.join(target, "b.txt"))).rejects.toThrow(/ENOENT/);
    await expect(lstat(path.join(target, "etc"))).rejects.toThrow(/ENOENT/);
    expect(calls).toHaveLength(2);

    const third = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: second.manifest, paths: ["src/a.js"] });
    expect(third).toMatchObject({ put: [], unchanged: 1, execs: 0 });
    expect(calls).toHaveLength(2);
  });

  it("a new directory's files are synced even when the batch names only the directory", async () => {
    const syncer = createTarSyncer({ exec: localExec(calls) });
    await mkdir(path.join(root, "new/deep"), { recursive: true });
    await writeFile(path.join(root, "new/deep/x.txt"), "x");
    const r = await syncer.sync({ pod: { namespace: "n", pod: "p", container: "c" }, localRoot: root, targetDir: target, previous: emptyManifest, paths: ["new"] });
    expect(r.put).toContain("new/deep/x.txt");
    expect(await readFile(path.join(target, "new/deep/x.txt"), "utf8")).toBe("x");
  });

  it("a storm rescan finds files no event named and deletes what vanished", async () => {
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "n", pod: "p", container: "c" };
    const first = await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest });
    await writeFile(path.join(root, "src/unreported.js"), "u");
    await unlink(path.join(root, "b.txt"));
    const r = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: first.manifest, paths: [], rescan: true });
    expect(r.put).toEqual(["src/unreported.js"]);
    expect(r.deleted).toEqual(["b.txt"]);
  });

  it("empty directories reach the target: in a full sync, and in a rescan after it (the fault bench lost one when a pod was replaced)", async () => {
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "n", pod: "p", container: "c" };
    await mkdir(path.join(root, "e1/e2"), { recursive: true });
    const first = await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest });
    expect((await lstat(path.join(target, "e1/e2"))).isDirectory()).toBe(true);
    await mkdir(path.join(root, "later"));
    await syncer.sync({ pod, localRoot: root, targetDir: target, previous: first.manifest, paths: [], rescan: true });
    expect((await lstat(path.join(target, "later"))).isDirectory()).toBe(true);
  });

  it("a failing container command becomes a SyncError with its stderr, and the hint about the image", async () => {
    const failing: KubeExec = () => Promise.resolve({ exitCode: 127, stdout: "", stderr: "sh: 1: tar: not found\n", ms: 1 });
    const syncer = createTarSyncer({ exec: failing });
    const err = await syncer.fullSync({ pod: { namespace: "n", pod: "p", container: "c" }, localRoot: root, targetDir: "/app", previous: emptyManifest }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).message).toBe("sync into n/p:/app: the container's command exited 127: sh: 1: tar: not found; the image needs sh, head and tar for live sync");
  });

  it("with sessions: batches go through one long-lived agent; a dead session falls back to one exec and reopens", async () => {
    const opened: string[][] = [];
    const syncer = createTarSyncer({ exec: localExec(calls), openStream: localStream(opened) });
    const pod = { namespace: "n", pod: "p", container: "c" };
    let manifest = (await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest })).manifest;
    for (let i = 0; i < 5; i += 1) {
      await writeFile(path.join(root, "src/a.js"), `v${i}`);
      const r = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["src/a.js"] });
      manifest = r.manifest;
      expect(r.execs).toBe(0);
      expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe(`v${i}`);
    }
    await unlink(path.join(root, "b.txt"));
    manifest = (await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["b.txt"] })).manifest;
    await expect(lstat(path.join(target, "b.txt"))).rejects.toThrow(/ENOENT/);
    expect(opened).toHaveLength(1);
    expect(calls).toHaveLength(0);

    // Kill the agent (the pod went away): the next batch falls back to a one-shot exec, the one after reopens.
    syncer.close();
    await new Promise((r) => setTimeout(r, 100));
    await writeFile(path.join(root, "src/a.js"), "after");
    const r = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["src/a.js"] });
    expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe("after");
    expect(opened.length + calls.length).toBeGreaterThanOrEqual(2);
    expect(r.put).toEqual(["src/a.js"]);
    syncer.close();
  });
});

/**
 * A separate process re-reading the file as fast as it can until told to stop (stdin closes), then printing what
 * it saw: reads, ENOENT, and reads that were not one whole version (empty or half-written).
 */
const startReader = (file: string) => {
  const script = `
    const fs = require("node:fs");
    let reads = 0, missing = 0, partial = 0, stop = false;
    process.stdin.on("end", () => { stop = true; }).resume();
    const ok = /^v\\d+:x{65536}$/;
    const loop = () => {
      for (let i = 0; i < 200; i += 1) {
        try { const t = fs.readFileSync(process.argv[1], "utf8"); reads += 1; if (!ok.test(t)) partial += 1; }
        catch (e) { if (e.code === "ENOENT") missing += 1; else throw e; }
      }
      if (stop) { process.stdout.write(JSON.stringify({ reads, missing, partial })); return; }
      setImmediate(loop);
    };
    loop();`;
  const child = spawn(process.execPath, ["-e", script, file], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => { out += c.toString(); });
  const done = new Promise<{ reads: number; missing: number; partial: number }>((resolve) => child.on("close", () => resolve(JSON.parse(out) as { reads: number; missing: number; partial: number })));
  return { stop: () => { child.stdin.end(); return done; } };
};

describe("createTarSyncer.commitStaged (what the Docker engine put under staged names)", () => {
  for (const mode of ["session", "one exec"] as const) {
    it(`renames staged files over their targets; a missing staged file is a SyncError (${mode})`, async () => {
      const opened: string[][] = [];
      const syncer = createTarSyncer({ exec: localExec(calls), ...(mode === "session" ? { openStream: localStream(opened) } : {}) });
      const pod = { namespace: "n", pod: "p", container: "c" };
      await mkdir(path.join(target, "bin"), { recursive: true });
      await writeFile(path.join(target, "bin/api"), "old");
      const staged = new Map([["bin/api", stagedName("0123abcd", 0)]]);
      await writeFile(path.join(target, stagedName("0123abcd", 0)), "new", { mode: 0o755 });
      expect(await syncer.commitStaged({ pod, targetDir: target, staged })).toBe(mode === "session" ? 0 : 1);
      expect(await readFile(path.join(target, "bin/api"), "utf8")).toBe("new");
      expect((await lstat(path.join(target, "bin/api"))).mode & 0o777).toBe(0o755);
      expect(await readdir(path.join(target, "bin"))).toEqual(["api"]);
      expect(await readdir(target)).toEqual(["bin"]);
      await expect(syncer.commitStaged({ pod, targetDir: target, staged })).rejects.toBeInstanceOf(SyncError);
      await expect(syncer.commitStaged({ pod, targetDir: target, staged: new Map([["../x", stagedName("0123abcd", 0)]]) })).rejects.toThrow(/refused/);
      await expect(syncer.commitStaged({ pod, targetDir: target, staged: new Map([["bin/api", "../../etc/passwd"]]) })).rejects.toThrow(/refused/);
      syncer.close();
    });
  }
});

describe("createTarSyncer: a synced file is never missing or half-written", () => {
  const version = (i: number): string => `v${i}:${"x".repeat(65536)}`;
  for (const mode of ["session", "one exec per batch"] as const) {
    it(`a reader polling the file during repeated syncs sees only whole versions (${mode})`, async () => {
      const opened: string[][] = [];
      const syncer = createTarSyncer({ exec: localExec(calls), ...(mode === "session" ? { openStream: localStream(opened) } : {}) });
      const pod = { namespace: "n", pod: "p", container: "c" };
      await writeFile(path.join(root, "src/a.js"), version(0));
      let manifest = (await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest })).manifest;
      const reader = startReader(path.join(target, "src/a.js"));
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 1; i <= 40; i += 1) {
        await writeFile(path.join(root, "src/a.js"), version(i));
        manifest = (await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["src/a.js"] })).manifest;
      }
      const seen = await reader.stop();
      syncer.close();
      expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe(version(40));
      expect(seen.reads).toBeGreaterThan(100);
      expect(seen).toMatchObject({ missing: 0, partial: 0 });
      expect((await readdir(path.join(target, "src"))).sort()).toEqual(["a.js"]);
      expect(mode === "session" ? calls.length : opened.length).toBe(0);
      // 41 syncs (one sh each without a session) against a reader polling all along: a correctness test, not a timing one.
    }, 30_000);
  }
});

/** busybox's applets first in PATH (alpine, busybox images); undefined without busybox (CI installs it). */
const bbPath = busyboxPath();

describe.runIf(bbPath !== undefined)("createTarSyncer with busybox's sh, head, dd and tar", () => {
  const env = { ...process.env, PATH: bbPath };
  const pod = { namespace: "n", pod: "bb", container: "c" };

  it("syncs edits and a delete through one session (dd reads the frames), never waiting for a timeout", async () => {
    const opened: string[][] = [];
    const syncer = createTarSyncer({ exec: localExec(calls, env), openStream: localStream(opened, env), timeoutMs: 5_000 });
    let manifest = (await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest })).manifest;
    const started = performance.now();
    for (let i = 0; i < 10; i += 1) {
      await writeFile(path.join(root, "src/a.js"), `v${i}`);
      const r = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["src/a.js"] });
      manifest = r.manifest;
      expect(r.execs).toBe(0);
      expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe(`v${i}`);
    }
    expect(performance.now() - started).toBeLessThan(4_000);
    await unlink(path.join(root, "b.txt"));
    expect((await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["b.txt"] })).execs).toBe(0);
    await expect(lstat(path.join(target, "b.txt"))).rejects.toThrow(/ENOENT/);
    expect(opened).toHaveLength(1);
    expect(calls).toHaveLength(0);
    syncer.close();
  });

  it("an agent that declines (no exact reader) is not tried again for that pod: one exec per batch; a new pod tries afresh", async () => {
    // The system's sh with busybox's head (reads ahead) and a dd without iflag.
    const declining = { ...process.env, PATH: busyboxPath({ applets: ["head", "tar"], scripts: { dd: "exit 1" } }) };
    const opened: string[][] = [];
    const syncer = createTarSyncer({ exec: localExec(calls, declining), openStream: localStream(opened, declining) });
    let manifest = (await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest })).manifest;
    for (let i = 0; i < 3; i += 1) {
      await writeFile(path.join(root, "src/a.js"), `v${i}`);
      const r = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["src/a.js"] });
      manifest = r.manifest;
      expect(r.execs).toBe(1);
      expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe(`v${i}`);
    }
    expect(opened).toHaveLength(1);
    await syncer.fullSync({ pod: { ...pod, pod: "bb-2" }, localRoot: root, targetDir: target, previous: manifest });
    expect(opened).toHaveLength(2);
    syncer.close();
  });
});

describe.runIf(bbPath !== undefined)("createTarSyncer: a big payload with busybox", () => {
  const pod = { namespace: "n", pod: "bb", container: "c" };
  const big = (): Buffer => {
    const b = Buffer.alloc(18 * 1024 * 1024 + 5);
    for (let i = 0; i < b.length; i += 4096) b.writeUInt32LE((i * 2654435761) >>> 0, i);
    return b;
  };

  it("is streamed with busybox's dd reading the frames", async () => {
    const content = big();
    await writeFile(path.join(root, "big.bin"), content);
    const syncer = createTarSyncer({ exec: localExec(calls, { ...process.env, PATH: bbPath }), timeoutMs: 20_000 });
    const r = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, paths: ["big.bin"] });
    expect(r.put).toEqual(["big.bin"]);
    expect(calls.at(-1)?.[2]).toContain("while h=$(rd 16)");
    expect((await readFile(path.join(target, "big.bin"))).equals(content)).toBe(true);
  }, 60_000);

  it("without an exact reader it goes in memory, as one length-framed stdin, and later batches skip the stream", async () => {
    const declining = { ...process.env, PATH: busyboxPath({ applets: ["head", "tar"], scripts: { dd: "exit 1" } }) };
    const content = big();
    await writeFile(path.join(root, "big.bin"), content);
    const syncer = createTarSyncer({ exec: localExec(calls, declining), timeoutMs: 20_000 });
    const r = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, paths: ["big.bin"] });
    expect(r.put).toEqual(["big.bin"]);
    expect((await readFile(path.join(target, "big.bin"))).equals(content)).toBe(true);
    expect(calls.map((c) => c[2]?.includes("while h=$(rd 16)") === true)).toEqual([true, false]);
    await writeFile(path.join(root, "big.bin"), content.subarray(1));
    await syncer.sync({ pod, localRoot: root, targetDir: target, previous: r.manifest, paths: ["big.bin"] });
    expect(calls.map((c) => c[2]?.includes("while h=$(rd 16)") === true)).toEqual([true, false, false]);
    expect((await readFile(path.join(target, "big.bin"))).equals(content.subarray(1))).toBe(true);
  }, 60_000);
});

describe("createTarSyncer: a session that stops answering", () => {
  it("falls back after the timeout once, then goes straight to one exec for that pod", async () => {
    const opened: string[][] = [];
    // Answers ready, then reads its stdin and never replies.
    const mute: KubeExecStreamOpener = (t, command) => localStream(opened)(t, ["sh", "-c", "echo ready; exec cat >/dev/null", ...command.slice(3)]);
    const syncer = createTarSyncer({ exec: localExec(calls), openStream: mute, timeoutMs: 300 });
    const pod = { namespace: "n", pod: "mute", container: "c" };
    const manifest = (await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest })).manifest;
    expect(calls).toHaveLength(1);
    const started = performance.now();
    await writeFile(path.join(root, "src/a.js"), "again");
    await syncer.sync({ pod, localRoot: root, targetDir: target, previous: manifest, paths: ["src/a.js"] });
    expect(performance.now() - started).toBeLessThan(250);
    expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe("again");
    expect(opened).toHaveLength(1);
    expect(calls).toHaveLength(2);
    syncer.close();
  });
});

describe("createTarSyncer: big payloads are streamed", () => {
  it("a file over the session's limit goes through one exec in frames, renamed into place, its hash in the manifest", async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    await writeFile(path.join(root, "big.bin"), big);
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "ns", pod: "p", container: "c" };
    const result = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, paths: ["big.bin"] });
    expect(result.put).toEqual(["big.bin"]);
    expect((await readFile(path.join(target, "big.bin"))).equals(big)).toBe(true);
    expect(await readdir(target)).toEqual(["big.bin"]);
    expect(calls.at(-1)?.[2]).toContain("while h=$(rd 16)");
  });

  it("a 64 MiB file is never held whole: the daemon's buffers grow by far less than the file while it is synced", async () => {
    const size = 64 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    await writeFile(path.join(root, "huge.bin"), Buffer.concat(Array.from({ length: 64 }, (_, i) => Buffer.concat([chunk.subarray(i), chunk.subarray(0, i)]))));
    let bigPayloads = 0;
    const syncer = createTarSyncer({ exec: localExec(calls), afterBigPayload: () => bigPayloads++ });
    const pod = { namespace: "ns", pod: "p", container: "c" };
    await writeFile(path.join(root, "small.txt"), "small");
    await syncer.sync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, paths: ["small.txt"] });
    // The idle collection is asked for after a streamed payload only (adapters/idle-collect.ts).
    expect(bigPayloads).toBe(0);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); }, 2);
    try {
      const result = await syncer.sync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, paths: ["huge.bin"] });
      expect(result.put).toEqual(["huge.bin"]);
    } finally {
      clearInterval(timer);
    }
    expect((await lstat(path.join(target, "huge.bin"))).size).toBe(size);
    // Held whole, the file alone (plus the tar built from it) would be ≥ 128 MiB; streamed: a few 1–4 MiB pieces.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
    expect(bigPayloads).toBe(1);
  }, 60_000);
});

describe("createTarSyncer: a big fill is streamed gzipped", () => {
  it("puts every file of a compressible tree over the session's limit, each file's hash of what was read in the manifest", async () => {
    const line = "export const value = (request, response) => handler.render(42); // state\n";
    for (let d = 0; d < 40; d++) {
      await mkdir(path.join(root, "lib", `m${d}`), { recursive: true });
      for (let f = 0; f < 25; f++) await writeFile(path.join(root, "lib", `m${d}`, `f${f}.js`), `${line.repeat(300)}// ${d}/${f}\n`);
    }
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "ns", pod: "p", container: "c" };
    const result = await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest });
    expect(result.put.length).toBe(1002);
    expect(calls.at(-1)?.[2]).toContain("gzip -d -c | apply");
    expect(result.bytes).toBeLessThan(4 * 1024 * 1024);
    expect(await readFile(path.join(target, "lib/m39/f24.js"), "utf8")).toBe(`${line.repeat(300)}// 39/24\n`);
    const entry = result.manifest.get("lib/m7/f3.js");
    expect(entry?.kind === "file" && entry.hash).toBe(hashContent(Buffer.from(`${line.repeat(300)}// 7/3\n`)));
  }, 60_000);
});

describe("createTarSyncer: a fresh fill (a bind's tree into its init container) is one tar while the target is empty", () => {
  const bigTree = async (): Promise<string> => {
    const line = "export const value = (request, response) => handler.render(42); // state\n";
    for (let d = 0; d < 40; d++) {
      await mkdir(path.join(root, "lib", `m${d}`), { recursive: true });
      for (let f = 0; f < 25; f++) await writeFile(path.join(root, "lib", `m${d}`, `f${f}.js`), `${line.repeat(300)}// ${d}/${f}\n`);
    }
    await mkdir(path.join(root, "empty"));
    await symlink("../b.txt", path.join(root, "lib", "link"));
    return line;
  };

  it("an empty target gets the whole tree through one tar -x (no per-directory records), each file's hash in the manifest", async () => {
    const line = await bigTree();
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "ns", pod: "p", container: "c" };
    const result = await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, fresh: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[2]).toContain("ls -A");
    expect(calls[0]?.[2]).not.toContain("apply");
    expect(result.put.length).toBe(1004);
    expect(await readFile(path.join(target, "lib/m39/f24.js"), "utf8")).toBe(`${line.repeat(300)}// 39/24\n`);
    expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe("a1");
    expect((await lstat(path.join(target, "empty"))).isDirectory()).toBe(true);
    expect(await readFile(path.join(target, "lib/link"), "utf8")).toBe("b1");
    const entry = result.manifest.get("lib/m7/f3.js");
    expect(entry?.kind === "file" && entry.hash).toBe(hashContent(Buffer.from(`${line.repeat(300)}// 7/3\n`)));
  }, 60_000);

  it("keeps the host files' modification times (none later than now), as a Docker bind shows them", async () => {
    await bigTree();
    await utimes(path.join(root, "lib/m3/f4.js"), new Date("2020-01-02T03:04:05Z"), new Date("2020-01-02T03:04:05Z"));
    await utimes(path.join(root, "b.txt"), new Date("2100-01-01T00:00:00Z"), new Date("2100-01-01T00:00:00Z"));
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const before = Date.now();
    await syncer.fullSync({ pod: { namespace: "ns", pod: "p", container: "c" }, localRoot: root, targetDir: target, previous: emptyManifest, fresh: true });
    expect((await lstat(path.join(target, "lib/m3/f4.js"))).mtime.toISOString()).toBe("2020-01-02T03:04:05.000Z");
    const future = (await lstat(path.join(target, "b.txt"))).mtimeMs;
    expect(future).toBeGreaterThanOrEqual(before - 1000);
    expect(future).toBeLessThanOrEqual(Date.now());
  }, 60_000);

  it("a fill prepared ahead (prepareFull: while the pod starts) sends what was packed then: a file changed since goes as it was read, with that hash, for the rescan after to send", async () => {
    const line = await bigTree();
    const syncer = createTarSyncer({ exec: localExec(calls) });
    syncer.prepareFull?.({ localRoot: root });
    // The whole tree (~5 MB gzipped) is packed within the budget meanwhile.
    await new Promise((r) => setTimeout(r, 2_000));
    const before = `${line.repeat(300)}// 0/0\n`;
    await writeFile(path.join(root, "lib/m0/f0.js"), "changed after the pack\n");
    const pod = { namespace: "ns", pod: "p", container: "c" };
    const result = await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, fresh: true });
    expect(calls).toHaveLength(1);
    expect(await readFile(path.join(target, "lib/m0/f0.js"), "utf8")).toBe(before);
    const entry = result.manifest.get("lib/m0/f0.js");
    expect(entry?.kind === "file" && entry.hash).toBe(hashContent(Buffer.from(before)));
    expect(result.put.length).toBe(1004);
  }, 60_000);

  it("a target that holds anything (a link a container left to a directory outside) gets the confined records instead: nothing written outside", async () => {
    await bigTree();
    const outside = await mkdtemp(path.join(tmpdir(), "devloop-ts-outside-"));
    try {
      await mkdir(target, { recursive: true });
      await symlink(outside, path.join(target, "lib"));
      const syncer = createTarSyncer({ exec: localExec(calls) });
      const pod = { namespace: "ns", pod: "p", container: "c" };
      const result = await syncer.fullSync({ pod, localRoot: root, targetDir: target, previous: emptyManifest, fresh: true });
      expect(calls.map((c) => (c[2]?.includes("ls -A") === true ? "fresh" : c[2]?.includes("apply") === true ? "records" : "other"))).toEqual(["fresh", "records"]);
      expect(result.put.length).toBe(1004);
      expect(await readdir(outside)).toEqual([]);
      expect((await lstat(path.join(target, "lib"))).isDirectory()).toBe(true);
      expect(await readFile(path.join(target, "lib/m0/f0.js"), "utf8")).toContain("// 0/0");
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("createTarSyncer: a fresh fill with hostDir is written on this machine's disk, with no exec", () => {
  it("every file, mode, link and empty directory lands in hostDir, each file's hash in the manifest; the result says disk", async () => {
    await mkdir(path.join(root, "empty"));
    await mkdir(path.join(root, "bin"));
    await writeFile(path.join(root, "bin/run"), "#!/bin/sh\n", { mode: 0o755 });
    await symlink("../b.txt", path.join(root, "src/link"));
    await mkdir(target, { recursive: true });
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "ns", pod: "p", container: "c" };
    const result = await syncer.fullSync({ pod, localRoot: root, targetDir: "/app", previous: emptyManifest, fresh: true, hostDir: target });
    expect(calls).toEqual([]);
    expect(result.via).toBe("disk");
    expect(result.execs).toBe(0);
    expect(await readFile(path.join(target, "src/a.js"), "utf8")).toBe("a1");
    expect((await lstat(path.join(target, "bin/run"))).mode & 0o777).toBe(0o755);
    expect((await lstat(path.join(target, "empty"))).isDirectory()).toBe(true);
    expect((await lstat(path.join(target, "src/link"))).isSymbolicLink()).toBe(true);
    const entry = result.manifest.get("src/a.js");
    expect(entry?.kind === "file" && entry.hash).toBe(hashContent(Buffer.from("a1")));
    expect(result.manifest.get("src/link")).toEqual({ kind: "symlink", target: "../b.txt" });
  });

  it("a prepared fill (prepareFull with toDisk: walked ahead, nothing packed) writes the files as they are when written", async () => {
    await mkdir(target, { recursive: true });
    const syncer = createTarSyncer({ exec: localExec(calls) });
    syncer.prepareFull?.({ localRoot: root, toDisk: true });
    await new Promise((r) => setTimeout(r, 200));
    await writeFile(path.join(root, "b.txt"), "b2");
    const pod = { namespace: "ns", pod: "p", container: "c" };
    const result = await syncer.fullSync({ pod, localRoot: root, targetDir: "/app", previous: emptyManifest, fresh: true, hostDir: target });
    expect(calls).toEqual([]);
    expect(await readFile(path.join(target, "b.txt"), "utf8")).toBe("b2");
    const entry = result.manifest.get("b.txt");
    expect(entry?.kind === "file" && entry.hash).toBe(hashContent(Buffer.from("b2")));
  });

  it("a hostDir that is not empty is refused, with nothing written", async () => {
    await mkdir(target, { recursive: true });
    await writeFile(path.join(target, "left"), "x");
    const syncer = createTarSyncer({ exec: localExec(calls) });
    const pod = { namespace: "ns", pod: "p", container: "c" };
    await expect(syncer.fullSync({ pod, localRoot: root, targetDir: "/app", previous: emptyManifest, fresh: true, hostDir: target })).rejects.toThrow(/not empty/);
    expect(await readdir(target)).toEqual(["left"]);
    expect(calls).toEqual([]);
  });
});
