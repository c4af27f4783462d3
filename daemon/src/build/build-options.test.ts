import { describe, expect, it } from "vitest";
import type { ImageBuildRequest } from "./build-options.js";
import { contentTagOptions } from "./build-options.js";

const minimal: ImageBuildRequest = { service: "web", image: "shop-web:devloop", context: "/src/web", dockerfile: "Dockerfile", args: { A: "1" } };

const full: ImageBuildRequest = {
  ...minimal,
  target: "dev",
  labels: { team: "shop", "dev.devloop.service": "spoofed" },
  cacheFrom: ["shop-web:cache"],
  extraHosts: ["db:10.0.0.5", "v6:::1"],
  network: "host",
  shmSize: 268435456,
  noCache: true,
  pull: true,
  platform: "linux/amd64",
  ulimits: [{ name: "nofile", soft: 1024, hard: 2048 }],
  tags: ["shop/web:1.0"],
};

describe("contentTagOptions", () => {
  it("takes what changes the image (and no_cache, pull), not cache_from or tags", () => {
    expect(contentTagOptions(minimal)).toEqual({});
    expect(contentTagOptions(full)).toEqual({
      labels: full.labels,
      extraHosts: full.extraHosts,
      network: "host",
      shmSize: 268435456,
      ulimits: full.ulimits,
      platform: "linux/amd64",
      noCache: true,
      pull: true,
    });
  });
});
