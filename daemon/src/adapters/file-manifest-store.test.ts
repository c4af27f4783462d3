import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { HashManifest, ManifestEntry } from "../sync/hash-manifest.js";
import { createFileManifestStore } from "./file-manifest-store.js";

const manifest = (rel: string): HashManifest => new Map([[rel, { kind: "file", hash: "ab".repeat(32), mode: 0o644, size: 3 }]]);

describe("createFileManifestStore", () => {
  let dir = "";
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("keeps each rule's manifest in a 0600 file per project that a new store (a restarted daemon) loads", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "devloop-manifests-"));
    const store = createFileManifestStore({ dir, delayMs: 10 });
    store.save("shop", "web:watch[0] /p/src -> /app/src", manifest("a.js"));
    store.save("shop", "web:watch[0] /p/src -> /app/src", manifest("b.js"));
    await store.flush();
    expect((await stat(path.join(dir, "shop.json"))).mode & 0o777).toBe(0o600);
    const loaded = await createFileManifestStore({ dir }).load("shop");
    expect([...(loaded.get("web:watch[0] /p/src -> /app/src")?.keys() ?? [])]).toEqual(["b.js"]);
    expect((await createFileManifestStore({ dir }).load("other")).size).toBe(0);
  });

  it("journals a batch's paths before it is sent: a store that died before saving still lists them, and a save clears them", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "devloop-manifests-"));
    const store = createFileManifestStore({ dir, delayMs: 10_000 });
    store.save("shop", "r", manifest("a.js"));
    store.intend("shop", "r", ["b.js", "dir/c.js"]);
    // Killed here: the coalesced save never ran; the journal did.
    const after = await createFileManifestStore({ dir }).load("shop");
    expect([...(after.get("r")?.keys() ?? [])].sort()).toEqual(["b.js", "dir/c.js"]);
    // A batch whose manifest was saved leaves the journal with the next write.
    const done = store.intend("shop", "r", ["d.js"]);
    store.save("shop", "r", manifest("d.js"));
    done();
    await store.flush();
    expect([...((await createFileManifestStore({ dir }).load("shop")).get("r")?.keys() ?? [])].sort()).toEqual(["b.js", "d.js", "dir/c.js"]);
  });

  it("keeps a batch journaled while a write is under way (the write's journal must not drop it: a kill -9 then lost the file)", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "devloop-manifests-"));
    const store = createFileManifestStore({ dir, delayMs: 10_000 });
    store.save("shop", "r", manifest("a.js"));
    let done = false;
    const flushed = store.flush().then(() => { done = true; });
    const sent: string[] = [];
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    // A batch at every turn of the event loop while the snapshot and the journal are being written: journaled, sent,
    // then its manifest recorded (after the snapshot was taken, so only the journal has it).
    while (!done) {
      const rel = `n${sent.length}.txt`;
      sent.push(rel);
      const recorded = store.intend("shop", "r", [rel]);
      await turn();
      store.save("shop", "r", new Map([...manifest("a.js"), ...sent.map((r): [string, ManifestEntry] => [r, { kind: "file", hash: "cd".repeat(32), mode: 0o644, size: 1 }])]));
      recorded();
    }
    await flushed;
    // Killed here: every batch sent is still known to a new daemon.
    const keys = [...((await createFileManifestStore({ dir }).load("shop")).get("r")?.keys() ?? [])];
    expect(sent.filter((rel) => !keys.includes(rel))).toEqual([]);
    expect(sent.length).toBeGreaterThan(1);
  });

  it("forgets a project that went down, and treats an unreadable file as none", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "devloop-manifests-"));
    const store = createFileManifestStore({ dir, delayMs: 10 });
    store.save("shop", "r", manifest("a.js"));
    await store.flush();
    store.drop("shop");
    await store.flush();
    await expect(readFile(path.join(dir, "shop.json"))).rejects.toThrow(/ENOENT/);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path.join(dir, "bad.json"), "{ not json");
    expect((await createFileManifestStore({ dir }).load("bad")).size).toBe(0);
  });
});
