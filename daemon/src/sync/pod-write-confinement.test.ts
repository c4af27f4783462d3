/**
 * Issue 15: the container's side of a sync never writes outside its target, even when a process in the container has
 * replaced a directory of the target by a link to a directory outside it — before the batch lands, as the extract
 * starts, or between the rename's check and the rename. The swaps are made deterministic by wrappers around tar and mv
 * first in PATH that swap once, when a marker file exists, then run the real tool. Run with the system's sh and tools,
 * and with busybox's tar and mv (the system's sh: busybox's own sh would run its applets, not the wrappers).
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { busyboxPath } from "../../test/support/busybox-path.js";
import { encodeRenames, planStaging } from "./atomic-replace.js";
import { buildRecords } from "./build-tar.js";
import { hashContent } from "./hash-manifest.js";
import { streamCommand, syncCommand } from "./remote-commands.js";
import { agentCommand, encodeRequest, parseReply } from "./session-protocol.js";
import type { PutEntry } from "./sync-plan.js";
import { packStream } from "./tar-pack-stream.js";

const file = (rel: string, text: string): PutEntry => ({ rel, kind: "file", content: Buffer.from(text), mode: 0o644, hash: hashContent(Buffer.from(text)) });

let dir = "";
let target = "";
let outside = "";
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "devloop-confine-"));
  target = path.join(dir, "app");
  outside = path.join(dir, "etc");
  await mkdir(target);
  await mkdir(outside);
  await writeFile(path.join(outside, "passwd"), "root:x:0:0\n");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const which = (tool: string): string => execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();

/**
 * A PATH whose tar, mv and rm swap `$SWAP_DIR` (a directory of the target) for a link to `$SWAP_TO` once, when the
 * marker `$SWAP_ONCE` exists and names that tool, then run the real one (`real tar` …: a command line).
 */
const swappingPath = (real: { tar: string; mv: string; rm: string }, base: string): string => {
  // In the test's own directory, removed with it.
  const bin = mkdtempSync(path.join(dir, "swap-bin-"));
  for (const tool of ["tar", "mv", "rm"] as const) {
    writeFileSync(path.join(bin, tool), [
      "#!/bin/sh",
      `if [ -n "$SWAP_ONCE" ] && [ "$(cat "$SWAP_ONCE" 2>/dev/null)" = ${tool} ]; then`,
      `  ${real.rm} -f "$SWAP_ONCE"`,
      `  ${real.mv} "$SWAP_DIR" "$SWAP_DIR.moved" && ln -s "$SWAP_TO" "$SWAP_DIR"`,
      "fi",
      `exec ${real[tool]} "$@"`,
    ].join("\n"));
    chmodSync(path.join(bin, tool), 0o755);
  }
  return `${bin}${path.delimiter}${base}`;
};

const bbPath = busyboxPath({ applets: ["head", "dd", "cat", "rmdir", "mkdir", "xargs", "ln", "gzip"] });
const busybox = existsSync("/usr/bin/busybox") ? "/usr/bin/busybox" : existsSync("/bin/busybox") ? "/bin/busybox" : undefined;
const variants = [
  { name: "the system's tar, mv and rm", path: (): string => swappingPath({ tar: which("tar"), mv: which("mv"), rm: which("rm") }, process.env["PATH"] ?? "") },
  ...(bbPath !== undefined && busybox !== undefined
    ? [{ name: "busybox's tar, mv and rm", path: (): string => swappingPath({ tar: `${busybox} tar`, mv: `${busybox} mv`, rm: `${busybox} rm` }, bbPath) }]
    : []),
];

/**
 * The batch the three ways the daemon sends it: one exec (syncCommand), the session agent, and one exec streaming its
 * frames (streamCommand: big payloads, a bind's fill). Resolves with its status.
 */
const ways = {
  async "one exec"(env: NodeJS.ProcessEnv, puts: PutEntry[], deletes: string[], arm: () => Promise<void>): Promise<number> {
    const staged = planStaging(puts);
    const renames = encodeRenames(staged);
    const records = buildRecords(puts, staged) ?? Buffer.alloc(0);
    await arm();
    const [bin, ...args] = syncCommand(target, records.length, deletes, false, renames.count);
    const child = spawn(bin ?? "sh", args, { env, stdio: ["pipe", "ignore", "ignore"] });
    child.stdin.write(Buffer.concat([renames.bytes, records]));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    child.stdin.destroy();
    return code ?? -1;
  },
  async session(env: NodeJS.ProcessEnv, puts: PutEntry[], deletes: string[], arm: () => Promise<void>): Promise<number> {
    const [bin, ...args] = agentCommand(target);
    const child = spawn(bin ?? "sh", args, { env, stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    const line = async (): Promise<string> => {
      for (let i = 0; i < 500 && !out.includes("\n"); i++) await new Promise((r) => setTimeout(r, 10));
      const [first = "", ...rest] = out.split("\n");
      out = rest.join("\n");
      return first;
    };
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    expect(parseReply(await line()).kind).toBe("ready");
    const staged = planStaging(puts);
    const request = encodeRequest(buildRecords(puts, staged), deletes, false, encodeRenames(staged));
    await arm(); // after the agent's probes, which run tar too
    child.stdin.write(request);
    const reply = parseReply(await line());
    child.stdin.end();
    await new Promise((resolve) => child.on("close", resolve));
    return reply.kind === "done" ? reply.status : -1;
  },
  async stream(env: NodeJS.ProcessEnv, puts: PutEntry[], deletes: string[], arm: () => Promise<void>): Promise<number> {
    const staged = planStaging(puts);
    const frames: Buffer[] = [];
    for await (const f of packStream({ puts, root: dir, staged }).frames) frames.push(f);
    await arm();
    const [bin, ...args] = streamCommand(target, deletes, false);
    const child = spawn(bin ?? "sh", args, { env, stdio: ["pipe", "ignore", "ignore"] });
    child.stdin.write(Buffer.concat(frames));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    child.stdin.destroy();
    return code ?? -1;
  },
} as const;

const allOutside = async (): Promise<string[]> => (await readdir(outside, { recursive: true })).map(String).sort();

describe.each(variants)("the pod-side write with $name", (variant) => {
  describe.each(Object.keys(ways) as (keyof typeof ways)[])("through %s", (way) => {
    const send = (puts: PutEntry[], swap?: "tar" | "mv" | "rm", deletes: string[] = []): Promise<number> => {
      const marker = path.join(dir, "swap-once");
      const env = { ...process.env, PATH: variant.path(), SWAP_ONCE: marker, SWAP_DIR: path.join(target, "sub"), SWAP_TO: outside };
      return ways[way](env, puts, deletes, async () => { if (swap !== undefined) await writeFile(marker, swap); });
    };

    it("a directory already replaced by a link outside: made a real directory again, nothing written through the link", async () => {
      await symlink(outside, path.join(target, "sub"));
      await mkdir(path.join(target, "deep"));
      await symlink("../../etc", path.join(target, "deep/er"));
      // A link that stays inside the target is followed, as before.
      await mkdir(path.join(target, "real"));
      await symlink("real", path.join(target, "inside"));
      expect(await send([file("sub/passwd", "evil\n"), file("deep/er/x/shadow", "evil\n"), file("inside/ok.txt", "ok")])).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      expect(await readFile(path.join(outside, "passwd"), "utf8")).toBe("root:x:0:0\n");
      expect((await lstat(path.join(target, "sub"))).isDirectory()).toBe(true);
      expect(await readFile(path.join(target, "sub/passwd"), "utf8")).toBe("evil\n");
      expect(await readFile(path.join(target, "deep/er/x/shadow"), "utf8")).toBe("evil\n");
      expect(await readFile(path.join(target, "real/ok.txt"), "utf8")).toBe("ok");
      expect((await readdir(target)).filter((n) => n.endsWith(".devloop-tmp"))).toEqual([]);
    });

    it("a directory swapped for a link as the extract starts: nothing written through it", async () => {
      await mkdir(path.join(target, "sub"));
      await writeFile(path.join(target, "sub/passwd"), "old\n");
      expect(await send([file("sub/passwd", "new\n"), file("top.txt", "t")], "tar")).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      expect(await readFile(path.join(outside, "passwd"), "utf8")).toBe("root:x:0:0\n");
      expect(await readFile(path.join(target, "sub/passwd"), "utf8")).toBe("new\n");
      expect(await readFile(path.join(target, "top.txt"), "utf8")).toBe("t");
    });

    it("a directory swapped for a link after the rename's check: the rename stays in the directory it checked", async () => {
      await mkdir(path.join(target, "sub"));
      await writeFile(path.join(target, "sub/passwd"), "old\n");
      expect(await send([file("sub/passwd", "new\n")], "mv")).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      expect(await readFile(path.join(outside, "passwd"), "utf8")).toBe("root:x:0:0\n");
      // The directory the rename had entered and checked was moved away with the file in it; the link is left as is.
      expect(await readFile(path.join(target, "sub.moved/passwd"), "utf8")).toBe("new\n");
      expect((await lstat(path.join(target, "sub"))).isSymbolicLink()).toBe(true);
    });

    it("a delete under a directory already replaced by a link outside: nothing outside is removed", async () => {
      await symlink(outside, path.join(target, "sub"));
      await mkdir(path.join(target, "deep"));
      await symlink("../../etc", path.join(target, "deep/er"));
      await mkdir(path.join(target, "real"));
      await writeFile(path.join(target, "real/gone.txt"), "x");
      await symlink("real", path.join(target, "inside"));
      expect(await send([], undefined, ["sub/passwd", "deep/er/passwd", "inside/gone.txt", "missing/x"])).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      // A link that stays inside the target is followed, as before.
      await expect(lstat(path.join(target, "real/gone.txt"))).rejects.toThrow(/ENOENT/);
    });

    it("a delete whose directory is swapped for a link just before rm runs: rm stays in the directory it checked", async () => {
      await mkdir(path.join(target, "sub"));
      await writeFile(path.join(target, "sub/passwd"), "old\n");
      await writeFile(path.join(target, "sub/other"), "kept\n");
      expect(await send([file("top.txt", "t")], "rm", ["sub/passwd"])).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      expect(await readFile(path.join(outside, "passwd"), "utf8")).toBe("root:x:0:0\n");
      expect(await readdir(path.join(target, "sub.moved"))).toEqual(["other"]);
    });

    it("directories and symlinks of a batch under a link outside: made inside, nothing made outside", async () => {
      await symlink(outside, path.join(target, "sub"));
      expect(await send([
        { rel: "sub/newdir", kind: "directory", mode: 0o750 },
        { rel: "sub/link", kind: "symlink", target: "newdir" },
        { rel: "top-link", kind: "symlink", target: "sub/newdir" },
      ])).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      expect((await lstat(path.join(target, "sub"))).isDirectory()).toBe(true);
      expect((await lstat(path.join(target, "sub/newdir"))).mode & 0o777).toBe(0o750);
      expect((await lstat(path.join(target, "sub/link"))).isSymbolicLink()).toBe(true);
      expect((await lstat(path.join(target, "top-link"))).isSymbolicLink()).toBe(true);
    });

    it("a directory of a batch swapped for a link as the extract starts: the directory is made inside", async () => {
      await mkdir(path.join(target, "sub"));
      expect(await send([file("top.txt", "t"), { rel: "sub/newdir", kind: "directory", mode: 0o755 }, { rel: "sub/l", kind: "symlink", target: "newdir" }], "tar")).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
    });

    it("a batch of more than 100 files (extracted per directory, not staged) under a link outside: all inside", async () => {
      await symlink(outside, path.join(target, "sub"));
      const many = Array.from({ length: 120 }, (_, i) => file(`sub/f${i}.txt`, `f${i}`));
      expect(await send([file("top.txt", "t"), ...many])).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      expect((await lstat(path.join(target, "sub"))).isDirectory()).toBe(true);
      expect((await readdir(path.join(target, "sub"))).length).toBe(120);
      expect(await readFile(path.join(target, "sub/f119.txt"), "utf8")).toBe("f119");
    });

    it("a batch of more than 100 files whose directory is swapped for a link as the extract starts: nothing outside", async () => {
      await mkdir(path.join(target, "sub"));
      const many = Array.from({ length: 120 }, (_, i) => file(`sub/f${i}.txt`, `f${i}`));
      expect(await send([file("top.txt", "t"), ...many], "tar")).toBe(0);
      expect(await allOutside()).toEqual(["passwd"]);
      expect(await readFile(path.join(target, "sub/f7.txt"), "utf8")).toBe("f7");
    });
  });
});
