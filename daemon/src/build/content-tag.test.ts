import { describe, expect, it } from "vitest";
import { contentTag, imageRepository, repositoryOf } from "./content-tag.js";
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
});

describe("image names", () => {
  it("repositoryOf strips the tag but keeps a registry port", () => {
    expect(repositoryOf("shop-web:devloop")).toBe("shop-web");
    expect(repositoryOf("localhost:5000/shop/web:1")).toBe("localhost:5000/shop/web");
    expect(repositoryOf("localhost:5000/web")).toBe("localhost:5000/web");
    expect(repositoryOf("web@sha256:abc")).toBe("web");
  });

  it("imageRepository makes DNS-safe <project>-<service>", () => {
    expect(imageRepository("My_Shop", "Web.1")).toBe("my-shop-web-1");
  });
});
