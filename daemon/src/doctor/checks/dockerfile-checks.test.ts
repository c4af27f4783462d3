import { describe, expect, it } from "vitest";
import { codesOf, runHarness } from "../testing/doctor-harness.js";

const clean = `FROM node:20.18.1-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY src ./src
USER 1000
CMD ["node", "src/server.js"]
`;

describe("Dockerfile checks", () => {
  it("finds nothing in a clean Dockerfile", async () => {
    expect(await runHarness({ dockerfile: clean })).toEqual([]);
  });

  describe("DL-DOCTOR-001 root user", () => {
    it("reports a final stage without USER at its FROM line", async () => {
      const findings = await runHarness({ dockerfile: clean.replace("USER 1000\n", "") });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-001", file: "app/Dockerfile", line: 1, column: 1, severity: "warning", service: "app" }]);
    });

    it("looks only at the final stage of a multi-stage build", async () => {
      const dockerfile = "FROM golang:1.22.5 AS build\nUSER 1000\nRUN go build\nFROM debian:12.6-slim\nCOPY --from=build /out /app\nCMD [\"/app\"]\n";
      expect(codesOf(await runHarness({ dockerfile }))).toEqual(["DL-DOCTOR-001"]);
      expect((await runHarness({ dockerfile }))[0]?.line).toBe(4);
    });

    it("inherits USER from the stage the final one is built FROM", async () => {
      const dockerfile = "FROM debian:12.6-slim AS base\nUSER 1000\nFROM base\nCMD [\"/app\"]\n";
      expect(await runHarness({ dockerfile })).toEqual([]);
    });

    it("reports USER root", async () => {
      const findings = await runHarness({ dockerfile: clean.replace("USER 1000", "USER root:root") });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-001", line: 6 }]);
    });

    it("accepts a non-root user: on the service", async () => {
      expect(await runHarness({ dockerfile: clean.replace("USER 1000\n", ""), service: { user: "1000:1000" } })).toEqual([]);
    });

    it("uses the build target as the final stage", async () => {
      const dockerfile = "FROM debian:12.6-slim AS dev\nCMD [\"/app\"]\nFROM debian:12.6-slim AS prod\nUSER 1000\nCMD [\"/app\"]\n";
      expect(await runHarness({ dockerfile })).toEqual([]);
      expect(codesOf(await runHarness({ dockerfile, service: { build: { context: "/p/app", target: "dev" } } }))).toEqual(["DL-DOCTOR-001"]);
    });
  });

  describe("DL-DOCTOR-002 unpinned base images", () => {
    it.each([["node:latest"], ["node"], ["node:20"], ["node:20-alpine"], ["node:lts"]])("reports FROM %s", async (image) => {
      const findings = await runHarness({ dockerfile: clean.replace("node:20.18.1-bookworm-slim", image) });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-002", line: 1 }]);
      expect(findings[0]?.fix).toContain("node@sha256:");
    });

    it("resolves ARG-defaulted FROM with the compose build args and points at the build arg", async () => {
      const dockerfile = `ARG BASE=node:20.18.1-bookworm-slim\n${clean.replace("FROM node:20.18.1-bookworm-slim", "FROM ${BASE}")}`;
      expect(await runHarness({ dockerfile })).toEqual([]);
      const findings = await runHarness({
        dockerfile,
        service: { build: { context: "/p/app", args: { BASE: "node:20" } } },
        sourceMap: { "services.app.build.args.BASE": { file: "/p/compose.yml", line: 7, column: 15 } },
      });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-002", file: "compose.yml", line: 7, column: 15, path: "services.app.build.args.BASE" }]);
      expect(findings[0]?.message).toBe("FROM ${BASE} resolves to node:20 (build arg BASE), which pins only the major version (20)");
    });

    it("skips stage references, scratch, digests and unresolved variables", async () => {
      const dockerfile = "FROM node@sha256:abc AS a\nFROM a\nFROM scratch\nFROM ${NOPE}\nUSER 1000\nCMD [\"/x\"]\n";
      expect(await runHarness({ dockerfile })).toEqual([]);
    });
  });

  describe("DL-DOCTOR-009 cache-busting order", () => {
    it("reports COPY . before npm ci", async () => {
      const dockerfile = clean.replace("COPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY src ./src", "COPY . .\nRUN npm ci --omit=dev");
      const findings = await runHarness({ dockerfile });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-009", line: 3 }]);
      expect(findings[0]?.message).toContain("line 4");
    });

    it.each([["pip install -r requirements.txt"], ["python -m pip install ."], ["go mod download"], ["bundle install"], ["yarn"]])("knows %s", async (install) => {
      const dockerfile = `FROM python:3.12.4-slim\nCOPY . /src\nRUN ${install}\nUSER 1000\nCMD ["app"]\n`;
      expect(codesOf(await runHarness({ dockerfile }))).toEqual(["DL-DOCTOR-009"]);
    });

    it("is fine with a build step after copying the source", async () => {
      expect(await runHarness({ dockerfile: clean.replace("COPY src ./src", "COPY . .\nRUN npm run build") })).toEqual([]);
    });
  });

  describe("DL-DOCTOR-010/011 apt layers", () => {
    const base = "FROM debian:12.6-slim\n{RUN}\nUSER 1000\nCMD [\"/app\"]\n";
    it("reports apt-get update alone", async () => {
      const findings = await runHarness({ dockerfile: base.replace("{RUN}", "RUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*") });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-010", line: 2 }]);
    });

    it("reports lists not removed in the same RUN", async () => {
      const findings = await runHarness({ dockerfile: base.replace("{RUN}", "RUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*") });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-011", line: 2 }]);
    });

    it("accepts the one-RUN idiom, also over continuation lines and with a cache mount", async () => {
      const idiom = "RUN apt-get update \\\n && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*";
      expect(await runHarness({ dockerfile: base.replace("{RUN}", idiom) })).toEqual([]);
      const cached = "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl";
      expect(await runHarness({ dockerfile: base.replace("{RUN}", cached) })).toEqual([]);
    });

    it("does not report lists left in a build stage the image does not inherit", async () => {
      const dockerfile = "FROM debian:12.6-slim AS build\nRUN apt-get update && apt-get install -y curl\nFROM debian:12.6-slim\nUSER 1000\nCMD [\"/app\"]\n";
      expect(await runHarness({ dockerfile })).toEqual([]);
    });
  });

  describe("DL-DOCTOR-012 ADD of a URL", () => {
    it("reports ADD https://… and accepts --checksum", async () => {
      const add = clean.replace("WORKDIR /app", "ADD https://example.com/tool.tgz /opt/");
      expect(await runHarness({ dockerfile: add })).toMatchObject([{ code: "DL-DOCTOR-012", line: 2 }]);
      expect(await runHarness({ dockerfile: add.replace("ADD ", "ADD --checksum=sha256:abc ") })).toEqual([]);
    });
  });

  describe("DL-DOCTOR-013 PID 1 signals", () => {
    const shellForm = clean.replace('CMD ["node", "src/server.js"]', "CMD node src/server.js");
    it("reports a shell-form CMD", async () => {
      expect(await runHarness({ dockerfile: shellForm })).toMatchObject([{ code: "DL-DOCTOR-013", line: 7 }]);
    });

    it("accepts init: true, exec, and a compose command that overrides it", async () => {
      expect(await runHarness({ dockerfile: shellForm, service: { init: true } })).toEqual([]);
      expect(await runHarness({ dockerfile: shellForm.replace("CMD node", "CMD exec node") })).toEqual([]);
      expect(await runHarness({ dockerfile: shellForm, service: { command: ["node", "src/server.js"] } })).toEqual([]);
    });

    it("reports a shell-form ENTRYPOINT and an sh -c compose command", async () => {
      expect(await runHarness({ dockerfile: clean.replace("CMD", "ENTRYPOINT node app.js\nCMD") })).toMatchObject([{ code: "DL-DOCTOR-013", line: 7 }]);
      expect(codesOf(await runHarness({ dockerfile: clean, service: { command: ["sh", "-c", "node a.js"] } }))).toEqual(["DL-DOCTOR-013"]);
    });
  });

  describe("DL-DOCTOR-014 build tooling", () => {
    it("reports compilers installed in a single-stage build", async () => {
      const dockerfile = "FROM debian:12.6-slim\nRUN apt-get update && apt-get install -y build-essential libpq-dev curl && rm -rf /var/lib/apt/lists/*\nUSER 1000\nCMD [\"/app\"]\n";
      const findings = await runHarness({ dockerfile });
      expect(findings).toMatchObject([{ code: "DL-DOCTOR-014", line: 2 }]);
      expect(findings[0]?.message).toContain("build-essential, libpq-dev");
    });

    it("reports a toolchain base image in a single-stage build, not in a multi-stage one", async () => {
      expect(codesOf(await runHarness({ dockerfile: "FROM golang:1.22.5\nUSER 1000\nCMD [\"/app\"]\n" }))).toEqual(["DL-DOCTOR-014"]);
      const multi = "FROM golang:1.22.5 AS build\nRUN apk add gcc\nFROM alpine:3.20.3\nCOPY --from=build /a /a\nUSER 1000\nCMD [\"/a\"]\n";
      expect(await runHarness({ dockerfile: multi })).toEqual([]);
    });
  });

  describe("DL-DOCTOR-016 upx in the Dockerfile", () => {
    it("reports a RUN upx step", async () => {
      const dockerfile = "FROM alpine:3.20.3\nCOPY app /app\nRUN upx --best /app\nUSER 1000\nCMD [\"/app\"]\n";
      expect(await runHarness({ dockerfile })).toMatchObject([{ code: "DL-DOCTOR-016", line: 3 }]);
    });
  });
});

describe("layerLabel", () => {
  it("shortens docker history lines", async () => {
    const { layerLabel } = await import("./image-size.js");
    expect(layerLabel(`/bin/sh -c #(nop) COPY file:${"a".repeat(64)} in /blob `)).toBe("COPY file:aaaaaaaaaaaa in /blob");
    expect(layerLabel("/bin/sh -c apt-get install -y curl")).toBe("RUN apt-get install -y curl");
    expect(layerLabel("")).toBe("(imported, no instruction recorded)");
  });
});

describe("DL-DOCTOR-019/020 Dockerfile lines BuildKit refuses or reads differently", () => {
  it("an error at the word BuildKit refuses, named by stage and instruction; a warning at text after an exec-form array", async () => {
    const dockerfile = clean.replace("COPY src ./src", "COPY --from build src ./src").replace('CMD ["node", "src/server.js"]', 'CMD ["node", "src/server.js"] # run');
    const findings = await runHarness({ dockerfile });
    expect(findings.filter((f) => f.code !== "DL-DOCTOR-013")).toMatchObject([
      { code: "DL-DOCTOR-019", severity: "error", line: 5, column: 6, path: "stage 0 COPY", fix: expect.stringContaining("--from=build") as unknown },
      { code: "DL-DOCTOR-020", severity: "warning", line: 7, column: 31, path: "stage 0 CMD" },
    ]);
  });

  it("a repeated directive is at the parser directives; an empty Dockerfile at line 1 of the Dockerfile", async () => {
    expect(await runHarness({ dockerfile: `# escape=\\\n# escape=\`\n${clean}` })).toMatchObject([{ code: "DL-DOCTOR-019", line: 2, path: "parser directives" }]);
    expect(await runHarness({ dockerfile: "# nothing\n" })).toMatchObject([{ code: "DL-DOCTOR-019", line: 1, path: "Dockerfile" }]);
  });
});
