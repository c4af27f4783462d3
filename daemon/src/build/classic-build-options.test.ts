import { describe, expect, it } from "vitest";
import type { ImageBuildRequest } from "../ports/image-builder.js";
import { classicBuildQuery, contentTagOptions } from "./classic-build-options.js";

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

describe("classicBuildQuery", () => {
  it("sends only what is set, with devloop's service label", () => {
    expect(classicBuildQuery(minimal, "shop-web:dl-0123456789ab", "Dockerfile")).toEqual({
      t: "shop-web:dl-0123456789ab",
      dockerfile: "Dockerfile",
      buildargs: { A: "1" },
      rm: true,
      forcerm: true,
      labels: { "dev.devloop.service": "web" },
    });
  });

  it("maps every classic option to its /build parameter; ulimits as the JSON the engine unmarshals", () => {
    expect(classicBuildQuery(full, "t", ".devloop.inline.Dockerfile")).toEqual({
      t: "t",
      dockerfile: ".devloop.inline.Dockerfile",
      buildargs: { A: "1" },
      target: "dev",
      rm: true,
      forcerm: true,
      labels: { team: "shop", "dev.devloop.service": "web" },
      cachefrom: ["shop-web:cache"],
      extrahosts: ["db:10.0.0.5", "v6:::1"],
      networkmode: "host",
      shmsize: 268435456,
      nocache: true,
      pull: true,
      platform: "linux/amd64",
      ulimits: '[{"Name":"nofile","Soft":1024,"Hard":2048}]',
    });
  });
});

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
