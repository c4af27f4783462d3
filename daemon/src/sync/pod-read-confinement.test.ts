/**
 * Issue 15, the way back: the puller's read of the container's files (remote-commands.ts readFilesCommand) never reads
 * outside the bind's target, even when a process in the container has replaced a directory of the target by a link
 * to a directory outside it — before the read, or just as tar starts. Without that, devloop would write what it read
 * (the container's /etc/shadow, say) into the host project. The swap is made deterministic by a tar wrapper first in
 * PATH that swaps once, when a marker file exists, then runs the real tar; with the system's tar and busybox's.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { busyboxPath } from "../../test/support/busybox-path.js";
import { createKubePuller } from "../adapters/kube-puller.js";
import type { ExecResult, KubeExec } from "../adapters/kube-exec.js";
import { splitReadGroups } from "./pull-read.js";
import { readFilesCommand } from "./remote-commands.js";

let dir = "";
let target = "";
let outside = "";
let host = "";
const secret = "root:$y$secret:0:0\n";
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "devloop-read-confine-"));
  target = path.join(dir, "app");
  outside = path.join(dir, "etc");
  host = path.join(dir, "host");
  await Promise.all([mkdir(target), mkdir(outside), mkdir(host)]);
  await writeFile(path.join(outside, "passwd"), secret);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const which = (tool: string): string => execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();

/** A PATH whose tar swaps `$SWAP_DIR` for a link to `$SWAP_TO` once, when the marker `$SWAP_ONCE` exists. */
const swappingPath = (real: { tar: string; mv: string; rm: string }, base: string): string => {
  const bin = mkdtempSync(path.join(dir, "swap-bin-"));
  writeFileSync(path.join(bin, "tar"), [
    "#!/bin/sh",
    'if [ -n "$SWAP_ONCE" ] && [ -e "$SWAP_ONCE" ]; then',
    '  if [ "$(cat "$SWAP_ONCE")" = append ]; then echo more >> "$SWAP_DIR/passwd"',
    `  else ${real.mv} "$SWAP_DIR" "$SWAP_DIR.moved" && ln -s "$SWAP_TO" "$SWAP_DIR"; fi`,
    `  ${real.rm} -f "$SWAP_ONCE"`,
    "fi",
    `exec ${real.tar} "$@"`,
  ].join("\n"));
  chmodSync(path.join(bin, "tar"), 0o755);
  return `${bin}${path.delimiter}${base}`;
};

const bbPath = busyboxPath({ applets: ["cat", "sha256sum", "date"] });
const busybox = existsSync("/usr/bin/busybox") ? "/usr/bin/busybox" : existsSync("/bin/busybox") ? "/bin/busybox" : undefined;
const variants = [
  { name: "the system's tar", path: (): string => swappingPath({ tar: which("tar"), mv: which("mv"), rm: which("rm") }, process.env["PATH"] ?? "") },
  ...(bbPath !== undefined && busybox !== undefined
    ? [{ name: "busybox's tar", path: (): string => swappingPath({ tar: `${busybox} tar`, mv: which("mv"), rm: which("rm") }, bbPath) }]
    : []),
];

const run = (command: readonly string[], env: NodeJS.ProcessEnv): Promise<ExecResult> =>
  new Promise((resolve) => {
    const started = performance.now();
    const [bin, ...args] = command;
    const child = spawn(bin ?? "sh", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("close", (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ exitCode: code ?? -1, stdout: stdoutBytes.toString(), stdoutBytes, stderr: Buffer.concat(err).toString(), ms: performance.now() - started });
    });
  });

/** The files the read brought, by path relative to the target, with their content. */
const readBack = async (bytes: Buffer): Promise<Record<string, string>> => {
  const { extract } = await import("tar-stream");
  const files: Record<string, string> = {};
  for (const g of splitReadGroups(bytes)) {
    await new Promise<void>((resolve, reject) => {
      const x = extract();
      x.on("entry", (header, stream, next) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: unknown) => chunks.push(c as Buffer));
        stream.on("end", () => { if (header.type === "file") files[g.dir === "" ? header.name : `${g.dir}/${header.name}`] = Buffer.concat(chunks).toString(); next(); });
        stream.resume();
      });
      x.on("finish", resolve);
      x.on("error", reject);
      x.end(g.archive);
    });
  }
  return files;
};

describe.each(variants)("the puller's read with $name", (variant) => {
  const env = (swap: boolean | "append", swapDir = "sub"): NodeJS.ProcessEnv => {
    const marker = path.join(dir, "swap-once");
    if (swap !== false) writeFileSync(marker, swap === "append" ? "append" : "tar");
    return { ...process.env, PATH: variant.path(), SWAP_ONCE: marker, SWAP_DIR: path.join(target, swapDir), SWAP_TO: outside };
  };
  const read = async (rels: string[], e: NodeJS.ProcessEnv): Promise<{ files: Record<string, string>; raw: Buffer }> => {
    const r = await run(readFilesCommand(target, rels), e);
    const raw = r.stdoutBytes ?? Buffer.alloc(0);
    return { files: await readBack(raw), raw };
  };

  it("a normal tree: every file asked for, by its path, nothing else", async () => {
    await mkdir(path.join(target, "db/migrations"), { recursive: true });
    await mkdir(path.join(target, "a b"));
    await writeFile(path.join(target, "top.lock"), "lock");
    await writeFile(path.join(target, "db/migrations/001.sql"), "create");
    await writeFile(path.join(target, "db/migrations/002.sql"), "alter");
    await writeFile(path.join(target, "db/schema.sql"), "schema");
    await writeFile(path.join(target, "a b/c d.txt"), "spaced");
    await writeFile(path.join(target, "not-asked.txt"), "no");
    // Names a shell or tar could take for something else, and one longer than a ustar name field.
    const odd = ["-rf", "*", "back\\slash", "ünï cödé.txt", `${"long-".repeat(30)}.txt`];
    for (const name of odd) await writeFile(path.join(target, "a b", name), name);
    const { files } = await read(["db/migrations/002.sql", "top.lock", "a b/c d.txt", "db/schema.sql", "db/migrations/001.sql", "gone.txt", ...odd.map((n) => `a b/${n}`)], env(false));
    expect(files).toEqual({
      "top.lock": "lock", "db/migrations/001.sql": "create", "db/migrations/002.sql": "alter", "db/schema.sql": "schema", "a b/c d.txt": "spaced",
      ...Object.fromEntries(odd.map((n) => [`a b/${n}`, n])),
    });
  });

  it("a directory already replaced by a link outside: nothing read through it", async () => {
    await symlink(outside, path.join(target, "sub"));
    await mkdir(path.join(target, "deep"));
    await symlink("../../etc", path.join(target, "deep/er"));
    await writeFile(path.join(target, "top.txt"), "t");
    const { files, raw } = await read(["sub/passwd", "deep/er/passwd", "top.txt"], env(false));
    expect(files).toEqual({ "top.txt": "t" });
    expect(raw.includes(secret)).toBe(false);
  });

  it("a directory swapped for a link just as tar starts: tar reads in the directory it checked", async () => {
    await mkdir(path.join(target, "sub"));
    await writeFile(path.join(target, "sub/passwd"), "mine\n");
    const { files, raw } = await read(["sub/passwd"], env(true));
    expect(raw.includes(secret)).toBe(false);
    expect(files).toEqual({ "sub/passwd": "mine\n" });
  });

  it("an ancestor directory swapped for a link just as tar starts: nothing outside read", async () => {
    await mkdir(path.join(target, "sub/deeper"), { recursive: true });
    await writeFile(path.join(target, "sub/deeper/passwd"), "mine\n");
    await mkdir(path.join(outside, "deeper"));
    await writeFile(path.join(outside, "deeper/passwd"), secret);
    const { files, raw } = await read(["sub/deeper/passwd"], env(true));
    expect(raw.includes(secret)).toBe(false);
    expect(files).toEqual({ "sub/deeper/passwd": "mine\n" });
  });

  it("a file that is now a link or a directory is not read", async () => {
    await symlink(path.join(outside, "passwd"), path.join(target, "passwd"));
    await mkdir(path.join(target, "was-file"));
    await writeFile(path.join(target, "was-file/inner"), "x");
    const { files, raw } = await read(["passwd", "was-file"], env(false));
    expect(files).toEqual({});
    expect(raw.includes(secret)).toBe(false);
  });

  it("the whole pull: a swap as the read starts never brings an outside file into the host project", async () => {
    await mkdir(path.join(target, "sub"));
    await writeFile(path.join(target, "sub/passwd"), "mine\n");
    await writeFile(path.join(target, "sub/other.txt"), "o");
    const e = env(true);
    const exec: KubeExec = (_target, command) => run(command, e);
    const puller = createKubePuller({ exec });
    const result = await puller.pull({ pod: { namespace: "ns", pod: "p", container: "c" }, localRoot: host, targetDir: target, previous: new Map(), since: 0, prune: [] });
    expect([...result.pulled].sort()).toEqual(["sub/other.txt", "sub/passwd"]);
    expect(await readFile(path.join(host, "sub/passwd"), "utf8")).toBe("mine\n");
    expect((await readdir(host, { recursive: true })).map(String).sort()).toEqual(["sub", "sub/other.txt", "sub/passwd"]);
  });

  it("the whole pull: a file changed between the listing and the read is not written, it is left for the next look", async () => {
    await mkdir(path.join(target, "sub"));
    await writeFile(path.join(target, "sub/passwd"), "mine\n");
    await writeFile(path.join(target, "sub/other.txt"), "o");
    const e = env("append");
    const result = await createKubePuller({ exec: (_t, command) => run(command, e) }).pull({ pod: { namespace: "ns", pod: "p", container: "c" }, localRoot: host, targetDir: target, previous: new Map(), since: 0, prune: [] });
    expect(result.pulled).toEqual(["sub/other.txt"]);
    expect(result.deferred).toBe(1);
    expect((await readdir(host, { recursive: true })).map(String).sort()).toEqual(["sub", "sub/other.txt"]);
  });
});
