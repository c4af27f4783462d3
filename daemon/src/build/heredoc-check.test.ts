import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import type { ComposeProject } from "../compose/types.js";
import { heredocDiagnostics } from "./heredoc-check.js";

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
    "        ARG NAME=",
    "        COPY <<EOF /x",
    "        $${NAME:?needs a name}",
    "        EOF",
    "",
  ].join("\n"),
  // Heredocs that build (devloop rewrites them for 20.10's frontend), then a heredoc used as COPY's destination.
  "/p/web/Dockerfile": ["FROM node:20", "WORKDIR /app", "COPY <<EOF /app/config.json", '{"a": 1}', "EOF", "RUN <<-SH", "\tnpm ci", "SH", "COPY config.json <<EOF", "x", "EOF", ""].join("\n"),
  // Unterminated: the terminator has a trailing space.
  "/p/api/Dockerfile.dev": ["# syntax=docker/dockerfile:1", "ARG V=", "FROM golang:1.22", "  RUN <<EOF", "go build ./...", "EOF ", ""].join("\n"),
  // A here-string and a shell redirect are not heredocs.
  "/p/plain/Dockerfile": ["FROM debian", 'RUN cat <<< "$X" > /tmp/x && echo "a << b"', ""].join("\n"),
};

const project = (): ComposeProject => {
  const r = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem(files));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.project;
};

describe("heredoc check (DL-BUILD-006)", () => {
  it("an error at each heredoc that cannot be built, naming the service and what is wrong; heredocs that build say nothing", () => {
    const found = heredocDiagnostics(project(), (file) => files[file], "/p");
    expect(found.map((d) => [d.severity, d.file, d.line, d.column, d.path])).toEqual([
      ["error", "web/Dockerfile", 9, 1, "services.web.build.dockerfile"],
      ["error", "api/Dockerfile.dev", 4, 3, "services.api.build.dockerfile"],
      ["error", "compose.yml", 13, 7, "services.inline.build.dockerfile_inline"],
    ]);
    expect(found.every((d) => d.code === "DL-BUILD-006")).toBe(true);
    expect(found[0]?.message).toBe("service web: COPY <<EOF: a heredoc is a source, never the destination (COPY <<EOF /path/file)");
    expect(found[1]?.message).toMatch(/^service api: RUN <<EOF: unterminated heredoc, no line "EOF" after it/);
    expect(found[1]?.hint).toContain("exactly EOF");
    expect(found[2]?.message).toBe("service inline: COPY <<EOF: NAME: needs a name (line 3 of dockerfile_inline)");
  });

  it("names a Dockerfile outside the working directory by its absolute path", () => {
    expect(heredocDiagnostics(project(), (file) => files[file], "/elsewhere")[0]?.file).toBe("/p/web/Dockerfile");
  });
});
