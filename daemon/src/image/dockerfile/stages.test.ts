import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./parse-dockerfile.js";
import { lastInChain, parseArgInstruction, resolveStages, stageChain } from "./stages.js";

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
    const graph = resolveStages(parseDockerfile(dockerfile), {});
    expect(graph.stages.map((s) => [s.name, s.base.image, s.parent])).toEqual([
      ["build", "golang:1.22", undefined],
      ["test", "build", 0],
      ["final", "debian:bookworm-slim", undefined],
    ]);
    expect(graph.final?.name).toBe("final");
  });

  it("lets compose build args override ARG defaults and says so", () => {
    const graph = resolveStages(parseDockerfile(dockerfile), { GO_IMAGE: "golang:latest" });
    expect(graph.stages[0]?.base).toMatchObject({ raw: "${GO_IMAGE}", image: "golang:latest", fromBuildArgs: ["GO_IMAGE"] });
    expect(graph.stages[2]?.base.fromBuildArgs).toEqual([]);
  });

  it("ignores build args the Dockerfile does not declare before FROM", () => {
    const graph = resolveStages(parseDockerfile("FROM ${X:-alpine:3.20}"), { X: "alpine:latest" });
    expect(graph.stages[0]?.base.image).toBe("alpine:3.20");
  });

  it("reads FROM with --platform and a lower-case as", () => {
    const graph = resolveStages(parseDockerfile("ARG BASE=golang:1.22.5\nFROM --platform=$BUILDPLATFORM ${BASE} as Build\nFROM build"), {});
    expect(graph.stages.map((s) => [s.name, s.base.image, s.parent])).toEqual([
      ["build", "golang:1.22.5", undefined],
      [undefined, "build", 0],
    ]);
  });

  it("records unresolved variables", () => {
    const graph = resolveStages(parseDockerfile("FROM ${NOPE}"), {});
    expect(graph.stages[0]?.base).toMatchObject({ image: "", unresolved: ["NOPE"] });
  });

  it("uses the build target as the final stage and walks its chain", () => {
    const graph = resolveStages(parseDockerfile(dockerfile), {}, "TEST");
    expect(graph.final?.name).toBe("test");
    const chain = stageChain(graph, graph.final!);
    expect(chain.map((s) => s.name)).toEqual(["test", "build"]);
    expect(lastInChain(chain, "USER")?.body).toBe("builder");
  });

  it("has no final stage when the target does not exist", () => {
    expect(resolveStages(parseDockerfile(dockerfile), {}, "nope").final).toBeUndefined();
  });
});

describe("parseArgInstruction", () => {
  it("reads several names with and without quoted defaults", () => {
    expect(parseArgInstruction(`A B=1 C="two words"`)).toEqual([{ name: "A" }, { name: "B", value: "1" }, { name: "C", value: "two words" }]);
  });
});
