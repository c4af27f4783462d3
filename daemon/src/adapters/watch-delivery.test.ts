import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChangeBatch } from "../sync/batcher.js";
import { createPathFilter } from "../sync/path-filter.js";
import { completeNewDirectories } from "./watch-delivery.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "devloop-complete-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const batchOf = (events: ChangeBatch["events"]): ChangeBatch => ({ events, firstEventAt: 0, lastEventAt: 0, closedAt: 0, closedBy: "quiet", storm: false });

describe("completeNewDirectories", () => {
  it("adds the files of new directories, and a batch that grows past the storm size that way is a storm", async () => {
    // A fast checkout: the watcher saw only the directory events; the walk finds the files.
    for (let d = 0; d < 3; d++) {
      await mkdir(path.join(root, `d${d}`));
      for (let f = 0; f < 4; f++) await writeFile(path.join(root, `d${d}`, `f${f}.txt`), "x");
    }
    const roots = new Map([["web", { id: "web", path: root, filter: createPathFilter({}) }]]);
    const batch = batchOf([0, 1, 2].map((d) => ({ rootId: "web", path: path.join(root, `d${d}`), kind: "addDir" as const })));
    const small = await completeNewDirectories(batch, roots, 100);
    expect(small.events.filter((e) => e.kind === "add")).toHaveLength(12);
    expect(small.storm).toBe(false);
    const storm = await completeNewDirectories(batch, roots, 10);
    expect(storm.events).toHaveLength(15);
    expect(storm.storm).toBe(true);
  });

  it("leaves a batch without new directories as it is", async () => {
    const batch = batchOf([{ rootId: "web", path: path.join(root, "a.js"), kind: "change" }]);
    expect(await completeNewDirectories(batch, new Map(), 1)).toBe(batch);
  });
});
