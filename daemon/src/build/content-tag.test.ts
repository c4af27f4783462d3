import { describe, expect, it } from "vitest";
import { contentTag, repositoryOf } from "./content-tag.js";
import type { ContentTagParams } from "./content-tag.js";

const base: ContentTagParams = {
  repository: "shop-web",
  entries: [
    { path: "Dockerfile", kind: "file", mode: 0o644, digest: "aa" },
    { path: "src", kind: "dir", mode: 0o755, digest: "" },
    { path: "src/main.js", kind: "file", mode: 0o644, digest: "bb" },
  ],
  dockerfile: "Dockerfile",
  args: { NODE_IMAGE: "node:20" },
};

describe("contentTag", () => {
  it("is <repository>:dl-<12 hex> and stable under entry and arg order", () => {
    const tag = contentTag(base);
    expect(tag).toMatch(/^shop-web:dl-[0-9a-f]{12}$/);
    expect(contentTag({ ...base, entries: [...base.entries].reverse() })).toBe(tag);
    expect(contentTag({ ...base, args: { B: "1", A: "2" } })).toBe(contentTag({ ...base, args: { A: "2", B: "1" } }));
  });

  it("changes with content, mode, path, dockerfile, args and target", () => {
    const tag = contentTag(base);
    const variants: ContentTagParams[] = [
      { ...base, entries: base.entries.map((e) => (e.path === "src/main.js" ? { ...e, digest: "cc" } : e)) },
      { ...base, entries: base.entries.map((e) => (e.path === "src/main.js" ? { ...e, mode: 0o755 } : e)) },
      { ...base, entries: base.entries.map((e) => (e.path === "src/main.js" ? { ...e, path: "src/index.js" } : e)) },
      { ...base, dockerfile: "Dockerfile.dev" },
      { ...base, args: { NODE_IMAGE: "node:22" } },
      { ...base, target: "dev" },
    ];
    const tags = variants.map(contentTag);
    expect(new Set([tag, ...tags]).size).toBe(variants.length + 1);
  });

  it("changes with each build option that is set, and stays as before when none is", () => {
    const tag = contentTag(base);
    expect(contentTag({ ...base, labels: {}, extraHosts: [], ulimits: [], noCache: false, pull: false })).toBe(tag);
    // A tag from before build options were hashed: projects that use none of them are not rebuilt.
    expect(tag).toBe("shop-web:dl-0db2460a8c87");
    const variants: ContentTagParams[] = [
      { ...base, labels: { team: "a" } },
      { ...base, labels: { team: "b" } },
      { ...base, extraHosts: ["db:10.0.0.1"] },
      { ...base, extraHosts: ["db:10.0.0.1", "cache:10.0.0.2"] },
      { ...base, extraHosts: ["cache:10.0.0.2", "db:10.0.0.1"] },
      { ...base, network: "host" },
      { ...base, shmSize: 268435456 },
      { ...base, ulimits: [{ name: "nofile", soft: 1024, hard: 2048 }] },
      { ...base, platform: "linux/arm64" },
      { ...base, noCache: true },
      { ...base, pull: true },
    ];
    expect(new Set([tag, ...variants.map(contentTag)]).size).toBe(variants.length + 1);
    expect(contentTag({ ...base, labels: { b: "2", a: "1" } })).toBe(contentTag({ ...base, labels: { a: "1", b: "2" } }));
    const two = [
      { name: "nproc", soft: 1, hard: 2 },
      { name: "nofile", soft: 3, hard: 4 },
    ];
    expect(contentTag({ ...base, ulimits: two })).toBe(contentTag({ ...base, ulimits: [...two].reverse() }));
  });
});

describe("image names", () => {
  it("repositoryOf strips the tag but keeps a registry port", () => {
    expect(repositoryOf("shop-web:devloop")).toBe("shop-web");
    expect(repositoryOf("localhost:5000/shop/web:1")).toBe("localhost:5000/shop/web");
    expect(repositoryOf("localhost:5000/web")).toBe("localhost:5000/web");
    expect(repositoryOf("web@sha256:abc")).toBe("web");
  });
});
