/** Both FileWatchers for real (chokidar, and fs.watch per directory) on a tmp dir, the system clock: one contract. */
import { spawn } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../clock/clock.js";
import type { WatchSession } from "../ports/file-watcher.js";
import type { ChangeBatch } from "../sync/batcher.js";
import { createPathFilter } from "../sync/path-filter.js";
import type { FileWatcher } from "../ports/file-watcher.js";
import { createChokidarWatcher } from "./chokidar-watcher.js";
import { createDirWatcher } from "./dir-watcher.js";

let root: string;
let session: WatchSession | undefined;
let batches: ChangeBatch[];
let errors: string[];

const waitFor = async (cond: () => boolean, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const paths = (): Set<string> => new Set(batches.flatMap((b) => b.events.map((e) => e.path)));

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "devloop-watch-"));
  await mkdir(path.join(root, "src"));
  await mkdir(path.join(root, "node_modules/dep"), { recursive: true });
  await writeFile(path.join(root, "src/a.js"), "a");
  batches = [];
  errors = [];
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await rm(root, { recursive: true, force: true });
});

const watchers: [string, () => FileWatcher][] = [
  ["chokidar", () => createChokidarWatcher({ clock: systemClock })],
  ["fs.watch per directory", () => createDirWatcher({ clock: systemClock })],
];

describe.each(watchers)("%s", (_name, makeWatcher) => {
const start = async (filter = createPathFilter({ gitignore: ["node_modules/", "*.log"] })): Promise<WatchSession> => {
  session = await makeWatcher().watch([{ id: "web", path: root, filter }], {
    onBatch: (b) => batches.push(b),
    onError: (m) => errors.push(m),
  });
  return session;
};

describe("watching", () => {
  it("reports an edit, an add and a delete, and ignores what the filter excludes", async () => {
    await start();
    await writeFile(path.join(root, "node_modules/dep/x.js"), "ignored");
    await writeFile(path.join(root, "debug.log"), "ignored");
    await writeFile(path.join(root, "src/a.js"), "edited");
    await writeFile(path.join(root, "src/b.js"), "new");
    await waitFor(() => paths().has(path.join(root, "src/b.js")) && paths().has(path.join(root, "src/a.js")), 5_000);
    await unlink(path.join(root, "src/b.js"));
    await waitFor(() => batches.some((b) => b.events.some((e) => e.kind === "unlink")), 5_000);
    const all = batches.flatMap((b) => b.events);
    expect(all.every((e) => e.rootId === "web")).toBe(true);
    expect(all.some((e) => e.path.includes("node_modules") || e.path.endsWith(".log"))).toBe(false);
    expect(errors).toEqual([]);
  });

  it("an editor that renames the file away, pauses 15 ms, then writes it anew never has the file delivered as removed", async () => {
    await start();
    const file = path.join(root, "src/a.js");
    // vim's backup dance, with the editor preempted between its steps for longer than an edit's 10 ms quiet; sync calls,
    // so the new file is on disk before this event loop polls again.
    renameSync(file, `${file}~`);
    await new Promise((r) => setTimeout(r, 15));
    writeFileSync(file, "saved");
    await waitFor(() => batches.some((b) => b.events.some((e) => e.path === file)), 5_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(batches.flatMap((b) => b.events).filter((e) => e.path === file && e.kind === "unlink")).toEqual([]);
  });

  it("a 5,000-file storm is one batch and loses nothing", async () => {
    await start();
    const storm = path.join(root, "storm");
    const expected = Array.from({ length: 5_000 }, (_, n) => path.join(storm, `d${Math.floor(n / 100)}`, `f${n % 100}.txt`));
    // Written by another process, as git checkout would: the writer does not compete with the watcher's event loop.
    const writer = [
      "const fs = require('node:fs'); const path = require('node:path'); const storm = process.argv[1];",
      "for (let d = 0; d < 50; d++) { fs.mkdirSync(path.join(storm, 'd' + d), { recursive: true });",
      "  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(storm, 'd' + d, 'f' + i + '.txt'), 'content ' + d + '/' + i + '\\n'); }",
    ].join("\n");
    const child = spawn(process.execPath, ["-e", writer, storm], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    expect(await new Promise((resolve) => child.on("close", resolve)), stderr).toBe(0);
    await waitFor(() => batches.length > 0, 20_000);
    // Anything after the first batch would be a split: give it time to show up.
    await new Promise((r) => setTimeout(r, 500));
    expect(batches).toHaveLength(1);
    const got = paths();
    expect(expected.filter((p) => !got.has(p))).toEqual([]);
    expect(batches[0]?.storm).toBe(true);
  }, 60_000);
});
});
