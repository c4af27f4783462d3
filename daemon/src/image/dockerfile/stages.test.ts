import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./parse-dockerfile.js";
import { lastInChain, resolveStages, stageChain } from "./stages.js";

const dockerfile = `ARG GO_IMAGE=golang:1.22
ARG RUNTIME=debian:bookworm-slim
FROM \${GO_IMAGE} AS build
USER builder
FROM build AS test
FROM \${RUNTIME} AS Final
CMD ["/app"]
`;

describe("resolveStages", () => {
  it("resolves FROM with ARG defaults and marks stage references", () => {
    const graph = resolveStages(parseDockerfile(dockerfile), { buildArgs: {} });
    expect(graph.stages.map((s) => [s.name, s.base.image, s.parent])).toEqual([
      ["build", "golang:1.22", undefined],
      ["test", "build", 0],
      ["final", "debian:bookworm-slim", undefined],
    ]);
    expect(graph.final?.name).toBe("final");
  });

  it("lets compose build args override ARG defaults and says so", () => {
    const graph = resolveStages(parseDockerfile(dockerfile), { buildArgs: { GO_IMAGE: "golang:latest" } });
    expect(graph.stages[0]?.base).toMatchObject({ raw: "${GO_IMAGE}", image: "golang:latest", fromBuildArgs: ["GO_IMAGE"] });
    expect(graph.stages[2]?.base.fromBuildArgs).toEqual([]);
  });

  it("ignores build args the Dockerfile does not declare before FROM", () => {
    const graph = resolveStages(parseDockerfile("FROM ${X:-alpine:3.20}"), { buildArgs: { X: "alpine:latest" } });
    expect(graph.stages[0]?.base.image).toBe("alpine:3.20");
  });

  it("reads FROM with --platform and a lower-case as", () => {
    const graph = resolveStages(parseDockerfile("ARG BASE=golang:1.22.5\nFROM --platform=$BUILDPLATFORM ${BASE} as Build\nFROM build"), { buildArgs: {} });
    expect(graph.stages.map((s) => [s.name, s.base.image, s.parent])).toEqual([
      ["build", "golang:1.22.5", undefined],
      [undefined, "build", 0],
    ]);
  });

  it("records unresolved variables", () => {
    const graph = resolveStages(parseDockerfile("FROM ${NOPE}"), { buildArgs: {} });
    expect(graph.stages[0]?.base).toMatchObject({ image: "", unresolved: ["NOPE"] });
  });

  it("uses the build target as the final stage and walks its chain", () => {
    const graph = resolveStages(parseDockerfile(dockerfile), { buildArgs: {}, target: "TEST" });
    expect(graph.final?.name).toBe("test");
    const chain = stageChain(graph, graph.final!);
    expect(chain.map((s) => s.name)).toEqual(["test", "build"]);
    expect(lastInChain(chain, "USER")?.body).toBe("builder");
  });

  it("has no final stage when the target does not exist", () => {
    expect(resolveStages(parseDockerfile(dockerfile), { buildArgs: {}, target: "nope" }).final).toBeUndefined();
  });
});

describe("global ARGs, as BuildKit expands them", () => {
  it("expands a default with the ARGs before it and removes its quotes", () => {
    const graph = resolveStages(parseDockerfile('ARG V=1.22\nARG BASE="golang:${V}"\nFROM ${BASE}'), { buildArgs: {} });
    expect(graph.stages[0]?.base.image).toBe("golang:1.22");
  });

  it("defines the platform ARGs when a platform is given; a redeclared one keeps its value", () => {
    const graph = resolveStages(parseDockerfile("ARG TARGETARCH\nFROM node:20-${TARGETARCH}"), { buildArgs: {}, buildPlatform: "linux/arm64" });
    expect(graph.stages[0]?.base.image).toBe("node:20-arm64");
    expect(graph.globals["BUILDOS"]).toBe("linux");
  });

  it("uses the Dockerfile's escape character", () => {
    const graph = resolveStages(parseDockerfile("# escape=`\nARG T=1\nFROM a:`$T-${T}"), { buildArgs: {} });
    expect(graph.stages[0]?.base.image).toBe("a:$T-1");
  });

  it("a bad ${…} leaves the image empty (BuildKit fails that build)", () => {
    expect(resolveStages(parseDockerfile("FROM ${A"), { buildArgs: {} }).stages[0]?.base).toMatchObject({ raw: "${A", image: "", unresolved: [] });
  });
});
