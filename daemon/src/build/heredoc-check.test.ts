import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import type { ComposeProject } from "../compose/types.js";
import { dockerfileSyntax, heredocDiagnostics } from "./heredoc-check.js";

const files: Record<string, string> = {
  "/p/compose.yml": [
    "services:",
    "  web:",
    "    build: ./web",
    "  api:",
    "    build:",
    "      context: ./api",
    "      dockerfile: Dockerfile.dev",
    "  plain:",
    "    build: ./plain",
    "  inline:",
    "    build:",
    "      context: .",
    "      dockerfile_inline: |",
    "        FROM alpine",
    "        RUN <<EOF",
    "        echo hi",
    "        EOF",
    "",
  ].join("\n"),
  "/p/web/Dockerfile": ["FROM node:20", "WORKDIR /app", "COPY <<EOF /app/config.json", '{"a": 1}', "EOF", "RUN <<-SH", "\tnpm ci", "SH", ""].join("\n"),
  "/p/api/Dockerfile.dev": ["# syntax=docker/dockerfile:1", "FROM golang:1.22", "  RUN <<EOF", "go build ./...", "EOF", ""].join("\n"),
  // A here-string and a shell redirect are not heredocs.
  "/p/plain/Dockerfile": ["FROM debian", 'RUN cat <<< "$X" > /tmp/x && echo "a << b"', ""].join("\n"),
};

const project = (): ComposeProject => {
  const r = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem(files));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.project;
};

describe("heredoc check (DL-BUILD-006)", () => {
  it("warns at each Dockerfile line with a heredoc, naming the service, the instruction and why 20.10 fails", () => {
    const found = heredocDiagnostics(project(), (file) => files[file], "/p");
    expect(found.map((d) => [d.severity, d.file, d.line, d.column, d.path])).toEqual([
      ["warning", "web/Dockerfile", 3, 1, "services.web.build.dockerfile"],
      ["warning", "web/Dockerfile", 6, 1, "services.web.build.dockerfile"],
      ["warning", "api/Dockerfile.dev", 3, 3, "services.api.build.dockerfile"],
      ["warning", "compose.yml", 13, 7, "services.inline.build.dockerfile_inline"],
    ]);
    expect(found.every((d) => d.code === "DL-BUILD-006")).toBe(true);
    expect(found[0]?.message).toBe("service web: COPY <<EOF is a Dockerfile heredoc; Docker 20.10's built-in Dockerfile frontend (Debian's docker.io, devloop's builder on the local cluster) has no heredocs and fails the build (unknown instruction)");
    expect(found[1]?.message).toContain("RUN <<SH");
    expect(found[2]?.message).toContain('its "# syntax=docker/dockerfile:1" makes BuildKit pull that frontend image from Docker Hub at build time, which fails offline');
    expect(found[3]?.message).toContain("(line 2 of dockerfile_inline)");
    expect(found[0]?.hint).toContain("COPY it");
  });

  it("names a Dockerfile outside the working directory by its absolute path", () => {
    expect(heredocDiagnostics(project(), (file) => files[file], "/elsewhere")[0]?.file).toBe("/p/web/Dockerfile");
  });

  it("reads the # syntax= directive only among the parser directives at the top", () => {
    expect(dockerfileSyntax("# syntax = docker/dockerfile:1.4\nFROM x\n")).toBe("docker/dockerfile:1.4");
    expect(dockerfileSyntax("FROM x\n# syntax=docker/dockerfile:1\n")).toBeUndefined();
  });
});
