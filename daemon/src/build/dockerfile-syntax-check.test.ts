import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import type { ComposeProject } from "../compose/types.js";
import { dockerfileSyntaxDiagnostics } from "./dockerfile-syntax-check.js";

const files: Record<string, string> = {
  "/p/compose.yml": [
    "services:",
    "  web:",
    "    build: ./web",
    "  ok:",
    "    build: ./ok",
    "  inline:",
    "    build:",
    "      context: .",
    "      dockerfile_inline: |",
    "        FROM alpine",
    "        RUN --mount type=cache,target=/c make",
    "",
  ].join("\n"),
  // `--from build` (BuildKit: "missing a value on flag: from"), then text after an exec-form array (versions differ).
  "/p/web/Dockerfile": ["FROM node:20 AS build", "FROM node:20-slim", "COPY --from build /app /app", 'CMD ["node", "server.js"] # start it', ""].join("\n"),
  "/p/ok/Dockerfile": ["FROM debian", "COPY --link --chmod=644 a /a", 'CMD ["a"]', ""].join("\n"),
};

const project = (): ComposeProject => {
  const r = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem(files));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.project;
};

describe("Dockerfile syntax check (DL-BUILD-007)", () => {
  it("an error at the word BuildKit refuses, a warning where its versions read the line differently; a clean Dockerfile says nothing", () => {
    const found = dockerfileSyntaxDiagnostics(project(), (file) => files[file], "/p");
    expect(found.map((d) => [d.code, d.severity, d.file, d.line, d.column, d.path])).toEqual([
      ["DL-BUILD-007", "error", "web/Dockerfile", 3, 6, "services.web.build.dockerfile"],
      ["DL-BUILD-007", "warning", "web/Dockerfile", 4, 27, "services.web.build.dockerfile"],
      ["DL-BUILD-007", "error", "compose.yml", 9, 7, "services.inline.build.dockerfile_inline"],
    ]);
    expect(found[0]?.message).toBe('service web: COPY --from: expected a value, --from=<value>; found "--from" followed by "build"');
    expect(found[0]?.hint).toBe('BuildKit reads a flag\'s value only after "=" (--from=build): a word after a space starts the instruction\'s arguments');
    expect(found[2]?.message).toMatch(/^service inline: RUN --mount: expected a value.* \(line 2 of dockerfile_inline\)$/);
  });
});
