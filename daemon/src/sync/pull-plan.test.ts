import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { HashManifest } from "./hash-manifest.js";
import { hashContent } from "./hash-manifest.js";
import type { LocalState } from "./local-scan.js";
import { manifestAfterPull, maxPullFiles, parseChangedListing, planPull } from "./pull-plan.js";
import { splitReadGroups } from "./pull-read.js";
import { changedSinceCommand, readFilesCommand } from "./remote-commands.js";

const h = (s: string): string => hashContent(Buffer.from(s));
const file = (s: string): LocalState => ({ kind: "file", content: Buffer.from(s), hash: h(s), mode: 0o644, size: Buffer.byteLength(s) });
const manifest = (entries: Record<string, string>): HashManifest => new Map(Object.entries(entries).map(([rel, s]) => [rel, { kind: "file", hash: h(s), mode: 0o644, size: s.length }]));

describe("planPull: what comes back from the container", () => {
  it("fetches what the container changed or created where the host did not, skips devloop's own syncs, and reports conflicts", () => {
    const previous = manifest({ "a.txt": "a", "b.txt": "b", "c.txt": "c", "d.txt": "d" });
    const remote = new Map([
      ["a.txt", h("a")], // devloop put it (tar -x touched it): same content
      ["b.txt", h("b2")], // the container changed it, the host did not
      ["c.txt", h("c2")], // both changed: the host wins
      ["d.txt", h("d3")], // both changed to the same: nothing to do
      ["new.lock", h("lock")], // created in the container
      ["host-new.txt", h("x")], // the host made one too, with other content
      ["node_modules/x.js", h("m")], // filtered out
    ]);
    const local = new Map<string, LocalState>([
      ["a.txt", file("a")], ["b.txt", file("b")], ["c.txt", file("c-host")], ["d.txt", file("d3")],
      ["host-new.txt", file("y")],
    ]);
    const plan = planPull({ remote, previous, local, filter: (rel) => !rel.startsWith("node_modules/") });
    expect(plan).toEqual({ fetch: ["b.txt", "new.lock"], conflicts: ["c.txt", "host-new.txt"], deferred: 0 });
  });

  it("never takes a path that would leave the root, and defers what is over the per-look limit", () => {
    const remote = new Map<string, string>([["../etc/passwd", h("x")]]);
    for (let i = 0; i < maxPullFiles + 5; i++) remote.set(`gen/f${String(i).padStart(4, "0")}.txt`, h(`${i}`));
    const plan = planPull({ remote, previous: new Map(), local: new Map() });
    expect(plan.fetch).toHaveLength(maxPullFiles);
    expect(plan.fetch).not.toContain("../etc/passwd");
    expect(plan.deferred).toBe(5);
  });

  it("records the pulled files in the manifest, so the watcher's event for them sends nothing back", () => {
    const next = manifestAfterPull(manifest({ "a.txt": "a" }), [{ rel: "b.txt", hash: h("b"), mode: 0o600, size: 1 }]);
    expect(next.get("b.txt")).toEqual({ kind: "file", hash: h("b"), mode: 0o600, size: 1 });
    expect(next.get("a.txt")?.kind).toBe("file");
  });
});

describe("the container commands of a pull, run with the system's sh", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const run = (argv: string[]): string => execFileSync(argv[0] ?? "sh", argv.slice(1), { encoding: "utf8" });

  it("lists files newer than the last look with their sha256, not under pruned mounts nor staged files; a first look reads only the clock", () => {
    dir = mkdtempSync(path.join(tmpdir(), "devloop-pull-"));
    mkdirSync(path.join(dir, "node_modules"));
    mkdirSync(path.join(dir, "db", "migrations"), { recursive: true });
    const old = Date.now() / 1000 - 100;
    for (const [rel, text] of [["old.txt", "old"], ["node_modules/m.js", "m"], ["db/migrations/001.sql", "create"], [".x.devloop-tmp", "t"]] as const) {
      writeFileSync(path.join(dir, rel), text);
    }
    utimesSync(path.join(dir, "old.txt"), old, old);
    const first = parseChangedListing(run(changedSinceCommand(dir, -1, ["node_modules"])));
    expect(first.now).toBeGreaterThan(old);
    expect(first.files.size).toBe(0);
    const listing = parseChangedListing(run(changedSinceCommand(dir, Math.floor(old) + 10, ["node_modules"])));
    expect([...listing.files]).toEqual([["db/migrations/001.sql", h("create")]]);
  });

  it("reads the chosen files as a tar", () => {
    dir = mkdtempSync(path.join(tmpdir(), "devloop-pull-"));
    writeFileSync(path.join(dir, "a b.txt"), "spaced");
    const out = execFileSync(readFilesCommand(dir, ["a b.txt"])[0] ?? "sh", readFilesCommand(dir, ["a b.txt"]).slice(1));
    const [group, ...rest] = splitReadGroups(out);
    expect(rest).toEqual([]);
    expect(group?.dir).toBe("");
    expect(group?.archive.subarray(0, 7).toString()).toBe("a b.txt");
    expect(() => readFilesCommand(dir, ["../x"])).toThrow(/refusing to read "\.\.\/x"/);
  });
});
