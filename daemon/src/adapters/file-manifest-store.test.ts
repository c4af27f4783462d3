import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { HashManifest } from "../sync/hash-manifest.js";
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
