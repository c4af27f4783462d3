import { describe, expect, it } from "vitest";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";
import type { BuildSpec, LoadResult } from "./types.js";

const load = (compose: string): LoadResult =>
  loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: { FROM_ENV: "env-value" }, cwd: "/p" }, createMemoryFileSystem({ "compose.yml": compose }));

const build = (section: string): BuildSpec => {
  const r = load(`services:\n  web:\n    build:\n${section}`);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.path} ${d.message}`).join("\n"));
  const b = r.project.services["web"]?.build;
  if (b === undefined) throw new Error("no build");
  return b;
};

const errors = (section: string): { code: string; path: string; line: number; column: number; message: string }[] => {
  const r = load(`services:\n  web:\n    build:\n${section}`);
  return r.ok ? [] : r.diagnostics.map(({ code, path, line, column, message }) => ({ code, path, line, column, message }));
};

describe("services.*.build long form", () => {
  it("reads every key the classic builder can honour", () => {
    expect(
      build(
        [
          "      context: ./web",
          "      labels: [com.example.team=shop, com.example.bare]",
          "      cache_from: [shop-web:cache]",
          "      extra_hosts: ['db=10.0.0.5']",
          "      network: host",
          "      shm_size: 256m",
          "      no_cache: true",
          "      pull: 'true'",
          "      tags: [shop/web:1.0, localhost:5000/web:dev]",
          "      platforms: [linux/amd64]",
          "      ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}",
          "",
        ].join("\n"),
      ),
    ).toEqual({
      context: "/p/web",
      dockerfile: "Dockerfile",
      args: {},
      labels: { "com.example.team": "shop", "com.example.bare": "" },
      cacheFrom: ["shop-web:cache"],
      extraHosts: [{ host: "db", ip: "10.0.0.5" }],
      network: "host",
      shmSize: 256 * 1024 * 1024,
      noCache: true,
      pull: true,
      tags: ["shop/web:1.0", "localhost:5000/web:dev"],
      platforms: ["linux/amd64"],
      ulimits: [
        { name: "nofile", soft: 1024, hard: 2048 },
        { name: "nproc", soft: 512, hard: 512 },
      ],
    });
  });

  it("reads the BuildKit-only keys too, so their types are checked", () => {
    expect(
      build(
        [
          "      context: .",
          "      secrets: [npmrc, {source: token, target: /run/secrets/t}]",
          "      ssh: [default, 'deploy=/home/me/.ssh/id']",
          "      additional_contexts: {base: ../base}",
          "      cache_to: [type=inline]",
          "      entitlements: [network.host]",
          "      privileged: false",
          "      provenance: mode=max",
          "      sbom: true",
          "      isolation: process",
          "",
        ].join("\n"),
      ),
    ).toMatchObject({
      secrets: ["npmrc", "token"],
      ssh: ["default", "deploy=/home/me/.ssh/id"],
      additionalContexts: { base: "../base" },
      cacheTo: ["type=inline"],
      entitlements: ["network.host"],
      privileged: false,
      provenance: "mode=max",
      sbom: "true",
      isolation: "process",
    });
  });

  it("reports a wrong type at the value, with its key path", () => {
    expect(errors("      context: .\n      no_cache: sometimes\n      tags: web:1\n")).toEqual([
      { code: "DL-COMPOSE-010", path: "services.web.build.no_cache", line: 5, column: 17, message: "services.web.build.no_cache must be true or false" },
      { code: "DL-COMPOSE-010", path: "services.web.build.tags", line: 6, column: 13, message: "services.web.build.tags must be a list of strings" },
    ]);
    expect(errors("      secrets: [{target: /x}]\n      platforms: [[linux/amd64]]\n").map((d) => [d.path, d.line])).toEqual([
      ["services.web.build.secrets[0]", 4],
      ["services.web.build.platforms[0]", 5],
    ]);
    expect(errors("      ssh: default\n      provenance: {mode: max}\n").map((d) => d.path)).toEqual(["services.web.build.ssh", "services.web.build.provenance"]);
  });

  it("checks ulimits: integers, soft ≤ hard, only soft and hard", () => {
    expect(errors("      ulimits: {nofile: lots, nproc: {soft: 10, hard: 5}, core: {soft: 1, hard: 2, max: 3}, stack: {soft: 1}}\n").map((d) => [d.path, d.message])).toEqual([
      ["services.web.build.ulimits.nofile", "services.web.build.ulimits.nofile must be an integer ≥ -1"],
      ["services.web.build.ulimits.nproc", "services.web.build.ulimits.nproc: the soft limit is above the hard limit"],
      ["services.web.build.ulimits.core.max", "services.web.build.ulimits.core.max is not a ulimit field"],
      ["services.web.build.ulimits.stack", "services.web.build.ulimits.stack must be a number or { soft, hard }"],
    ]);
    expect(build("      ulimits: {nofile: {soft: -1, hard: -1}}\n").ulimits).toEqual([{ name: "nofile", soft: -1, hard: -1 }]);
  });
});
