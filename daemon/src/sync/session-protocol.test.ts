import { execFile, spawn } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeRenames, planStaging, type RenameList } from "./atomic-replace.js";
import { buildRecords, buildTar } from "./build-tar.js";
import { hashContent } from "./hash-manifest.js";
import { busyboxPath, headIsExact, tarIsExact } from "../../test/support/busybox-path.js";
import { agentCommand, encodeRequest, parseReply, tarExtent } from "./session-protocol.js";
import type { PutEntry } from "./sync-plan.js";

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), "devloop-agent-")); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const file = (rel: string, text: string) => ({ rel, kind: "file" as const, content: Buffer.from(text), mode: 0o644, hash: hashContent(Buffer.from(text)) });

/** A batch's records around one spoilt archive of the root (buildRecords checks each archive it makes). */
const rawRecords = (tar: Buffer): Buffer => Buffer.concat([Buffer.from(`T ${tar.length} \n`), tar, Buffer.from("e\n")]);

/** A frame whose records hold one archive of the root, as given: how a spoilt archive would reach the agent. */
const rawRequest = (tar: Buffer, renames: RenameList = { bytes: Buffer.alloc(0), count: 0 }): Buffer =>
  encodeRequest(rawRecords(tar), [], false, renames);

/** The records of `puts` (none staged). */
const records = (puts: PutEntry[]): Buffer => buildRecords(puts) ?? Buffer.alloc(0);

/** The agent as a child with a line reader. */
const startAgent = (target: string, env: NodeJS.ProcessEnv = process.env) => {
  const [bin, ...args] = agentCommand(target);
  const child = spawn(bin ?? "sh", args, { stdio: ["pipe", "pipe", "pipe"], env });
  const lines: string[] = [];
  let buf = "";
  const waiters: (() => void)[] = [];
  child.stdout.on("data", (c: Buffer) => {
    buf += c.toString();
    for (let i = buf.indexOf("\n"); i !== -1; i = buf.indexOf("\n")) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); waiters.shift()?.(); }
  });
  const next = async (): Promise<string> => {
    if (lines.length === 0) await new Promise<void>((r) => waiters.push(r));
    return lines.shift() ?? "";
  };
  /**
   * Sends the batch with its files staged (as the tar syncer does) and returns the agent's status. `tamper` spoils the
   * archive, framed without encodeRequest's check (which would refuse it).
   */
  const send = async (puts: PutEntry[], deletes: string[] = [], tamper?: (tar: Buffer) => Buffer): Promise<number> => {
    const staged = planStaging(puts);
    child.stdin.write(tamper
      ? rawRequest(tamper(await buildTar(puts, undefined, staged)), encodeRenames(staged))
      : encodeRequest(buildRecords(puts, staged), deletes, false, encodeRenames(staged)));
    const reply = parseReply(await next());
    if (reply.kind !== "done") throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    return reply.status;
  };
  const write = (data: Buffer): void => { child.stdin.write(data); };
  const closed = new Promise<number | null>((r) => child.on("close", r));
  // An agent that ended on its own (after a failed exact tar) closes its stdin: ending it then is not an error.
  child.stdin.on("error", () => undefined);
  const stop = async (): Promise<number | null> => {
    child.stdin.end();
    return closed;
  };
  /** The exit status once the agent ended on its own (stdin left open), or "running" after `ms`. */
  const exited = async (ms = 5_000): Promise<number | null | "running"> =>
    Promise.race([closed, new Promise<"running">((r) => setTimeout(() => r("running"), ms))]);
  return { next, send, write, stop, exited };
};

/**
 * After a failed batch: an agent that reads with tar alone (exactTar) cannot know where tar stopped in its archive, so
 * it answers and exits (the syncer opens a new session); one with a reader in front drained the rest and goes on.
 */
const afterFailure = async (agent: ReturnType<typeof startAgent>, exactTar: boolean, target: string, env: NodeJS.ProcessEnv): Promise<ReturnType<typeof startAgent>> => {
  if (!exactTar) return agent;
  expect(await agent.exited()).toBe(0);
  const fresh = startAgent(target, env);
  expect(parseReply(await fresh.next()).kind).toBe("ready");
  return fresh;
};

/** The shells the agent must work with: the system's (GNU head: exact) and busybox's (head -c reads ahead: dd). */
const bbPath = busyboxPath();
const shells = [
  // "head" unless this suite itself runs with busybox first in PATH.
  { name: "the system's sh", env: process.env, reader: headIsExact() ? "head" : "dd", exactTar: tarIsExact() },
  // Busybox tar reads on after the archive's end (and knows no -b): the exact reader stays in front of it.
  ...(bbPath !== undefined ? [{ name: "busybox first in PATH", env: { ...process.env, PATH: bbPath }, reader: "dd", exactTar: false }] : []),
];

describe("the session agent with busybox", () => {
  // Skipped without busybox on a developer's machine; CI installs it (scripts/install-test-deps busybox) and must run it.
  it.runIf(process.env["CI"] === "true")("is tested here: busybox is installed", () => {
    expect(bbPath, "busybox missing: run scripts/install-test-deps busybox").toBeDefined();
  });
});

describe.each(shells)("the session agent, run by $name", ({ env, reader, exactTar }) => {
  it("applies batch after batch on one open stdin, answering ready and done <status>", async () => {
    const target = path.join(dir, "app");
    let agent = startAgent(target, env);
    const nextLine = async (): Promise<string> => agent.next();
    expect(parseReply(await nextLine())).toEqual({ kind: "ready", reader, exactTar });
    agent.write(encodeRequest(records([file("a.txt", "one"), file("dir/b.txt", "two")]), []));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "dir/b.txt"), "utf8")).toBe("two");

    await mkdir(path.join(target, "-rf"));
    await writeFile(path.join(target, "-rf/x"), "x");
    agent.write(encodeRequest(records([file("a.txt", "uno")]), ["dir", "-rf", "never"]));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "a.txt"), "utf8")).toBe("uno");
    await expect(lstat(path.join(target, "dir"))).rejects.toThrow(/ENOENT/);
    await expect(lstat(path.join(target, "-rf"))).rejects.toThrow(/ENOENT/);

    // A corrupt archive (never made: buildRecords checks each archive ends at its length) sent to an agent with a
    // reader in front fails that batch only: the rest of its bytes are drained and the next batch works.
    const bad = Buffer.alloc(2048, 7);
    if (!exactTar) {
      agent.write(rawRequest(bad));
      const failed = parseReply(await nextLine());
      expect(failed.kind === "done" && failed.status).not.toBe(0);
    }
    // A file where a directory of the batch should be: that directory's group cannot be reached (into: mkdir fails), so
    // its archive is drained unread and the batch fails (96); the root's group is still extracted, the agent goes on.
    await writeFile(path.join(target, "f"), "a file");
    agent.write(encodeRequest(records([file("f/x.txt", "x"), file("y.txt", "y")]), []));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 96 });
    expect(await readFile(path.join(target, "y.txt"), "utf8")).toBe("y");
    // A sound archive whose extract fails (a link where a non-empty directory is): tar reads it to its end and fails;
    // the agent answers, then (tar alone: it cannot know where tar stopped) ends, and a new session goes on.
    await mkdir(path.join(target, "full"));
    await writeFile(path.join(target, "full/x"), "x");
    agent.write(encodeRequest(records([{ rel: "full", kind: "symlink", target: "y.txt" }]), []));
    const failed = parseReply(await nextLine());
    expect(failed.kind === "done" && failed.status).not.toBe(0);
    agent = await afterFailure(agent, exactTar, target, env);
    agent.write(encodeRequest(records([file("after.txt", "ok")]), []));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "after.txt"), "utf8")).toBe("ok");

    // A gzipped archive (large batches travel compressed), then a plain one on the same stdin.
    agent.write(encodeRequest(gzipSync(records([file("z/one.txt", "zipped")])), [], true));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "z/one.txt"), "utf8")).toBe("zipped");
    agent.write(encodeRequest(records([file("plain.txt", "plain")]), []));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });

    expect(await agent.stop()).toBe(0);
  });

  it("keeps the framing across a multi-MiB frame, a frame split over slow writes and frames sent back to back", async () => {
    const target = path.join(dir, "app");
    const agent = startAgent(target, env);
    expect(parseReply(await agent.next())).toEqual({ kind: "ready", reader, exactTar });
    // 3 MiB + 1,000 bytes of incompressible content: many 64 KiB reads, the last one short.
    const big = Buffer.from(Array.from({ length: (3 << 20) + 1000 }, (_, i) => (i * 7919) % 251));
    const bigTar = records([{ rel: "big.bin", kind: "file", content: big, mode: 0o644, hash: hashContent(big) }]);
    const small = encodeRequest(records([file("small.txt", "after big")]), []);
    agent.write(Buffer.concat([encodeRequest(bigTar, []), small]));
    expect(parseReply(await agent.next())).toEqual({ kind: "done", status: 0 });
    expect(parseReply(await agent.next())).toEqual({ kind: "done", status: 0 });
    expect((await readFile(path.join(target, "big.bin"))).equals(big)).toBe(true);
    expect(await readFile(path.join(target, "small.txt"), "utf8")).toBe("after big");
    // One frame in three writes (header cut in two), 50 ms apart: the reader waits for the rest.
    const split = encodeRequest(records([file("split.txt", "split")]), ["small.txt"]);
    for (const [from, to] of [[0, 20], [20, 700], [700, split.length]] as const) {
      agent.write(split.subarray(from, to));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(parseReply(await agent.next())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "split.txt"), "utf8")).toBe("split");
    await expect(lstat(path.join(target, "small.txt"))).rejects.toThrow(/ENOENT/);
    expect(await agent.stop()).toBe(0);
  });

  it("takes archives of whole tar records (a storm's directories, padded) exactly, group after group and batch after batch", async () => {
    const target = path.join(dir, "app");
    // tar as the agent finds it on PATH, noting how it was called: an exact tar reads whole records with -b 20.
    const wrap = path.join(dir, "wrap");
    await mkdir(wrap);
    const log = path.join(dir, "tar.log");
    const realTar = (await promisify(execFile)("sh", ["-c", "command -v tar"], { env })).stdout.trim();
    await writeFile(path.join(wrap, "tar"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realTar}' "$@"\n`, { mode: 0o755 });
    const agent = startAgent(target, { ...env, PATH: `${wrap}:${env["PATH"] ?? ""}` });
    expect(parseReply(await agent.next())).toEqual({ kind: "ready", reader, exactTar });
    await writeFile(log, "");
    // 150 files (over the staging limit: extracted per directory), 50 in each of 3 directories: 51 KiB archives,
    // padded to 60 KiB; the next batch follows in the same write.
    const storm = Array.from({ length: 150 }, (_, i) => file(`s/d${i % 3}/f${i}.txt`, `storm ${i}`));
    const payload = records(storm);
    expect(payload.toString("latin1")).toContain(`t ${6 * 10240} s/d0\n`);
    agent.write(Buffer.concat([encodeRequest(payload, []), encodeRequest(records([file("after.txt", "after")]), [])]));
    expect(parseReply(await agent.next())).toEqual({ kind: "done", status: 0 });
    expect(parseReply(await agent.next())).toEqual({ kind: "done", status: 0 });
    for (const d of [0, 1, 2]) expect((await readdir(path.join(target, `s/d${d}`))).length).toBe(50);
    expect(await readFile(path.join(target, "s/d2/f149.txt"), "utf8")).toBe("storm 149");
    expect(await readFile(path.join(target, "after.txt"), "utf8")).toBe("after");
    // (busybox's sh runs its own tar applet, not the one on PATH: nothing to note there.)
    const calls = (await readFile(log, "utf8")).split("\n").filter((l) => l.startsWith("-x"));
    if (exactTar) expect(calls).toEqual([...Array<string>(3).fill("-x -b 20 -m -f -"), "-x -b 1 -m -f -"]);
    expect(await agent.stop()).toBe(0);
  });

  it("finds where tar stops reading an archive: after its end blocks, following each header's size", async () => {
    const tar = await buildTar([file("a.txt", "one"), { rel: "d", kind: "directory", mode: 0o755 }, file("d/b.bin", "x".repeat(1500))]);
    expect(tarExtent(tar)).toBe(tar.length);
    expect(tarExtent(Buffer.concat([tar, Buffer.alloc(512)]))).toBe(tar.length);
    expect(tarExtent(tar.subarray(0, tar.length - 512))).toBeUndefined();
    const badSum = Buffer.from(tar);
    badSum[0] = 0x62; // the name changes, the checksum does not
    expect(tarExtent(badSum)).toBeUndefined();
    expect(tarExtent(Buffer.alloc(1024))).toBe(1024);
  });

  it("frames with a fixed header and refuses escaping deletes", () => {
    expect(encodeRequest(undefined, ["a"]).subarray(0, 48).toString()).toBe(`${"0".padStart(15)} ${"1".padStart(15)} ${"0".padStart(15)}\n`);
    // Deletes one per line, each directory's together (one rm per directory in the container).
    expect(encodeRequest(undefined, ["b/x", "a", "b/y", "c/z", "b"]).subarray(48).toString()).toBe("a\nb\nb/x\nb/y\nc/z\n");
    expect(encodeRequest(Buffer.alloc(1024), [], false, { bytes: Buffer.from("a\nb\n"), count: 2 }).subarray(0, 48).toString()).toBe(`${"1024".padStart(15)} ${"0".padStart(15)} ${"2".padStart(15)}\n`);
    expect(() => encodeRequest(undefined, ["../x"])).toThrow(/refusing to delete/);
    expect(parseReply("oops")).toEqual({ kind: "other", line: "oops" });
  });
});

/** Every name under dir, recursively (relative). */
const allNames = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).map(String).sort();

describe.runIf(bbPath !== undefined)("the session agent without an exact reader", () => {
  it("declines at once (busybox head reads ahead and this dd has no iflag) instead of corrupting frames", async () => {
    // The system's sh with busybox's head and a dd that knows no iflag.
    const noDd = busyboxPath({ applets: ["head"], scripts: { dd: 'echo "dd: unknown operand" >&2; exit 1' } });
    const agent = startAgent(path.join(dir, "app"), { ...process.env, PATH: noDd });
    const reply = parseReply(await agent.next());
    expect(reply.kind).toBe("declined");
    expect(await agent.stop()).toBe(0);
  });
});

describe.each(shells)("the session agent: atomic replacement, run by $name", ({ env, reader, exactTar }) => {
  it("renames staged files over their targets: a new inode, modes, links and dirs as before, nothing staged left", async () => {
    const target = path.join(dir, "app");
    const agent = startAgent(target, env);
    expect(parseReply(await agent.next())).toEqual({ kind: "ready", reader, exactTar });
    expect(await agent.send([file("a.js", "one"), file("src/b.js", "two")])).toBe(0);
    const before = await stat(path.join(target, "a.js"));

    await mkdir(path.join(target, "real-dir"));
    await symlink("real-dir", path.join(target, "dir-link"));
    expect(await agent.send([
      file("a.js", "uno"),
      { ...file("run.sh", "#!/bin/sh"), mode: 0o755 },
      { rel: "l", kind: "symlink", target: "a.js" },
      { rel: "empty", kind: "directory", mode: 0o750 },
      // A file where the container has a link to a directory: the link is replaced, nothing lands in the directory.
      file("dir-link", "now a file"),
    ], ["src"])).toBe(0);
    const after = await stat(path.join(target, "a.js"));
    expect(await readFile(path.join(target, "a.js"), "utf8")).toBe("uno");
    expect(after.ino).not.toBe(before.ino);
    expect((await stat(path.join(target, "run.sh"))).mode & 0o777).toBe(0o755);
    expect(await readlink(path.join(target, "l"))).toBe("a.js");
    expect((await stat(path.join(target, "empty"))).mode & 0o777).toBe(0o750);
    expect((await lstat(path.join(target, "dir-link"))).isFile()).toBe(true);
    expect(await allNames(path.join(target, "real-dir"))).toEqual([]);
    expect(await allNames(target)).toEqual(["a.js", "dir-link", "empty", "l", "real-dir", "run.sh"]);
    await agent.stop();
  });

  it("a failed extract renames nothing and leaves no staged file; the next batch works", async () => {
    const target = path.join(dir, "app");
    let agent = startAgent(target, env);
    expect(parseReply(await agent.next())).toEqual({ kind: "ready", reader, exactTar });
    expect(await agent.send([file("a.js", "old a"), file("b.js", "old b")])).toBe(0);
    // The archive cut in the middle of the second file: tar extracts the first staged file, then fails. Only an agent
    // with a reader in front can be sent one (encodeRequest refuses it: tar alone would wait for the rest).
    const cutTar = (tar: Buffer): Buffer => {
      const padded = Buffer.alloc(512 * 6);
      tar.subarray(0, 512 * 4).copy(padded);
      return padded;
    };
    const big = "B".repeat(4000);
    if (!exactTar) {
      expect(await agent.send([file("a.js", "new a"), file("b.js", big)], [], cutTar)).not.toBe(0);
      expect(await readFile(path.join(target, "a.js"), "utf8")).toBe("old a");
      expect(await readFile(path.join(target, "b.js"), "utf8")).toBe("old b");
      expect(await allNames(target)).toEqual(["a.js", "b.js"]);
      // Garbage where the tar should be: same.
      expect(await agent.send([file("a.js", "x")], [], (tar) => Buffer.alloc(tar.length, 7))).not.toBe(0);
      expect(await allNames(target)).toEqual(["a.js", "b.js"]);
    }
    // A sound archive whose extract fails after its first staged file (a link where a non-empty directory is): nothing
    // is renamed, no staged file is left, and (after a new session, with tar alone) the next batch works.
    await mkdir(path.join(target, "c"));
    await writeFile(path.join(target, "c/x"), "x");
    expect(await agent.send([file("a.js", "new a"), { rel: "c", kind: "symlink", target: "x" }])).not.toBe(0);
    agent = await afterFailure(agent, exactTar, target, env);
    expect(await readFile(path.join(target, "a.js"), "utf8")).toBe("old a");
    expect(await allNames(target)).toEqual(["a.js", "b.js", "c", "c/x"]);
    await rm(path.join(target, "c"), { recursive: true });
    expect(await agent.send([file("a.js", "new a")])).toBe(0);
    expect(await readFile(path.join(target, "a.js"), "utf8")).toBe("new a");
    expect(await allNames(target)).toEqual(["a.js", "b.js"]);
    await agent.stop();
  });
});
