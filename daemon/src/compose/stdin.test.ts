/** `-f -`: the compose file read from stdin (docker compose -f -), handed to the pure loader as LoadOptions.stdin. */
import { describe, expect, it } from "vitest";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";
import type { LoadOptions } from "./types.js";

const base: LoadOptions = { files: ["-"], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" };

describe("-f -", () => {
  it("loads the text read from stdin, with the working directory as project directory", () => {
    const fs = createMemoryFileSystem({ ".env": "TAG=1.25\n" });
    const r = loadProject({ ...base, stdin: "services:\n  web:\n    image: nginx:${TAG}\n" }, fs);
    expect(r.ok && r.project.services["web"]?.image).toBe("nginx:1.25");
    expect(r.ok && r.project.workingDir).toBe("/p");
  });

  it("merges an override file after it", () => {
    const fs = createMemoryFileSystem({ "dev.yml": "services:\n  web:\n    environment:\n      MODE: dev\n" });
    const r = loadProject({ ...base, files: ["-", "dev.yml"], stdin: "services:\n  web:\n    image: nginx\n" }, fs);
    expect(r.ok && r.project.services["web"]?.environment).toEqual({ MODE: "dev" });
  });

  it("locates an error in the stdin text as -", () => {
    const r = loadProject({ ...base, stdin: "services:\n  web:\n    imag: nginx\n" }, createMemoryFileSystem({}));
    expect(r.ok ? [] : r.diagnostics.map((d) => `${d.file}:${d.line}:${d.code}`)).toContain("-:3:DL-COMPOSE-009");
  });

  it("says the file does not exist when nothing was read", () => {
    const r = loadProject(base, createMemoryFileSystem({}));
    expect(r.ok).toBe(false);
  });
});
