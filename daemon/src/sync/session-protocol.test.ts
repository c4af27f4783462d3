import { spawn } from "node:child_process";
import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildTar } from "./build-tar.js";
import { hashContent } from "./hash-manifest.js";
import { agentCommand, encodeRequest, parseReply } from "./session-protocol.js";

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), "devloop-agent-")); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const file = (rel: string, text: string) => ({ rel, kind: "file" as const, content: Buffer.from(text), mode: 0o644, hash: hashContent(Buffer.from(text)) });

describe("the session agent, run by the system's sh", () => {
  it("applies batch after batch on one open stdin, answering ready and done <status>", async () => {
    const target = path.join(dir, "app");
    const [bin, ...args] = agentCommand(target);
    const child = spawn(bin ?? "sh", args, { stdio: ["pipe", "pipe", "pipe"] });
    const lines: string[] = [];
    let buf = "";
    const waiters: (() => void)[] = [];
    child.stdout.on("data", (c: Buffer) => {
      buf += c.toString();
      for (let i = buf.indexOf("\n"); i !== -1; i = buf.indexOf("\n")) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); waiters.shift()?.(); }
    });
    const nextLine = async (): Promise<string> => {
      if (lines.length === 0) await new Promise<void>((r) => waiters.push(r));
      return lines.shift() ?? "";
    };
    expect(parseReply(await nextLine())).toEqual({ kind: "ready" });

    child.stdin.write(encodeRequest(await buildTar([file("a.txt", "one"), file("dir/b.txt", "two")]), []));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "dir/b.txt"), "utf8")).toBe("two");

    await mkdir(path.join(target, "-rf"));
    await writeFile(path.join(target, "-rf/x"), "x");
    child.stdin.write(encodeRequest(await buildTar([file("a.txt", "uno")]), ["dir", "-rf", "never"]));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "a.txt"), "utf8")).toBe("uno");
    await expect(lstat(path.join(target, "dir"))).rejects.toThrow(/ENOENT/);
    await expect(lstat(path.join(target, "-rf"))).rejects.toThrow(/ENOENT/);

    // A corrupt archive fails that batch only: the rest of its bytes are drained and the next batch works.
    const bad = Buffer.alloc(2048, 7);
    child.stdin.write(encodeRequest(bad, []));
    const failed = parseReply(await nextLine());
    expect(failed.kind === "done" && failed.status).not.toBe(0);
    child.stdin.write(encodeRequest(await buildTar([file("after.txt", "ok")]), []));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "after.txt"), "utf8")).toBe("ok");

    // A gzipped archive (large batches travel compressed), then a plain one on the same stdin.
    child.stdin.write(encodeRequest(gzipSync(await buildTar([file("z/one.txt", "zipped")])), [], true));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });
    expect(await readFile(path.join(target, "z/one.txt"), "utf8")).toBe("zipped");
    child.stdin.write(encodeRequest(await buildTar([file("plain.txt", "plain")]), []));
    expect(parseReply(await nextLine())).toEqual({ kind: "done", status: 0 });

    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(0);
  });

  it("frames with a fixed header and refuses escaping deletes", () => {
    expect(encodeRequest(undefined, ["a"]).subarray(0, 32).toString()).toBe(`${"0".padStart(15)} ${"2".padStart(15)} `);
    expect(() => encodeRequest(undefined, ["../x"])).toThrow(/refusing to delete/);
    expect(parseReply("oops")).toEqual({ kind: "other", line: "oops" });
  });
});
