import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import { nodeFileSystem } from "../compose/node-file-system.js";
import type { ComposeProject } from "../compose/types.js";
import { imageBuildRequest } from "./build-request.js";
import { parseCompileSpec } from "../compile/compile-spec.js";
import { loadCompilerPresets } from "../compile/load-compiler-presets.js";

const repo = path.resolve(import.meta.dirname, "../../..");

const example = (): ComposeProject => {
  const r = loadProject(
    { files: [path.join(repo, "compose.example.yml")], profiles: [], envFiles: [], services: [], environment: { GO_IMAGE: "devloop/go:1.19-bookworm" }, cwd: repo },
    nodeFileSystem,
  );
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.project;
};

describe("compose.example.yml through the build module", () => {
  it("gives web an image build request with the manifest's tag", () => {
    const p = example();
    expect(imageBuildRequest(p, p.services["web"]!)).toEqual({
      service: "web",
      image: "shop-web:devloop",
      context: path.join(repo, "example/web"),
      dockerfile: "Dockerfile",
      args: { NODE_IMAGE: "node:20.18-bookworm-slim" },
    });
    expect(imageBuildRequest(p, p.services["cache"]!)).toBeUndefined();
  });

  it("resolves api's x-devloop.compile with the shipped Go preset", async () => {
    const p = example();
    const presets = await loadCompilerPresets(path.join(repo, "templates/compilers"));
    const r = parseCompileSpec(p, p.services["api"]!, presets);
    expect(r.ok && r.spec).toMatchObject({
      service: "api",
      preset: "go",
      image: "devloop/go:1.19-bookworm",
      workdir: "/src",
      output: "/out/api",
      target: "/app/api",
      source: path.join(repo, "example/api"),
      cache: ["/cache"],
    });
  });
});

describe("imageBuildRequest", () => {
  const project = (build: string): ComposeProject => {
    const r = loadProject(
      { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" },
      createMemoryFileSystem({ "compose.yml": `name: shop\nservices:\n  web:\n    build:\n${build}` }),
    );
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    return r.project;
  };

  it("carries the BuildKit options, extra_hosts as host:ip, one platform, secret sources (no values) and named contexts", () => {
    const p = project(
      [
        "      context: ./web",
        "      labels: {team: shop}",
        "      cache_from: [shop-web:cache]",
        "      extra_hosts: {db: 10.0.0.5}",
        "      network: none",
        "      shm_size: 1g",
        "      no_cache: true",
        "      pull: true",
        "      platforms: [linux/arm64]",
        "      ulimits: {nofile: 4096}",
        "      tags: [shop/web:1]",
        "      secrets: [npmrc]",
        "      ssh: [default, \"deploy=/keys/id_ed25519\"]",
        "      additional_contexts: {shared: ../shared, base: \"docker-image://shop/base:1\"}",
        "      cache_to: [type=inline]",
        "",
      ].join("\n"),
    );
    expect(imageBuildRequest(p, p.services["web"]!)).toEqual({
      service: "web",
      image: "shop-web:devloop",
      context: "/p/web",
      dockerfile: "Dockerfile",
      args: {},
      labels: { team: "shop" },
      cacheFrom: ["shop-web:cache"],
      extraHosts: ["db:10.0.0.5"],
      network: "none",
      shmSize: 1024 ** 3,
      noCache: true,
      pull: true,
      platform: "linux/arm64",
      ulimits: [{ name: "nofile", soft: 4096, hard: 4096 }],
      tags: ["shop/web:1"],
      secrets: [{ id: "npmrc" }],
      ssh: ["default", "deploy=/keys/id_ed25519"],
      additionalContexts: { shared: "/shared", base: "docker-image://shop/base:1" },
      cacheTo: ["type=inline"],
    });
  });

  it("leaves out false flags, empty lists and a platforms list of several (translate warns)", () => {
    const p = project("      context: .\n      no_cache: false\n      pull: false\n      tags: []\n      platforms: [linux/amd64, linux/arm64]\n");
    expect(imageBuildRequest(p, p.services["web"]!)).toEqual({ service: "web", image: "shop-web:devloop", context: "/p", dockerfile: "Dockerfile", args: {} });
  });
});
