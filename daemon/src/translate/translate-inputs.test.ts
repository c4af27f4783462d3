import { describe, expect, it } from "vitest";
import type { ComposeFileSystem } from "../compose/types.js";
import { project, service } from "../compose/test-project.js";
import { gatherTranslateInputs } from "./translate-inputs.js";

const memoryFs = (files: Record<string, string>): ComposeFileSystem => ({
  readFile: (path) => files[path],
  exists: (path) => path in files,
});

describe("gatherTranslateInputs", () => {
  it("reads used secret/config files, bind-mounted files, watched files and the interpolation variables", () => {
    const fs = memoryFs({
      "/src/shop/pw.txt": "pw",
      "/src/shop/unused.txt": "nope",
      "/src/shop/nginx.conf": "events {}",
      "/src/shop/.env": "TOKEN=from-dotenv\n",
    });
    const p = project(
      [
        service("web", {
          secrets: [{ source: "pw", target: "/run/secrets/pw" }],
          volumes: [
            { type: "bind", source: "/src/shop/nginx.conf", target: "/etc/nginx/nginx.conf", readOnly: true, createHostPath: true },
            { type: "bind", source: "/src/shop/src", target: "/app/src", readOnly: false, createHostPath: true },
          ],
          develop: {
            watch: [
              { action: "sync", path: "/src/shop/src", target: "/app/src", ignore: [], include: [], initialSync: false },
              { action: "sync", path: "/src/shop/site.conf", target: "/app/site.conf", ignore: [], include: [], initialSync: false },
            ],
          },
        }),
      ],
      {
        secrets: {
          pw: { name: "pw", file: "/src/shop/pw.txt", external: false },
          unused: { name: "unused", file: "/src/shop/unused.txt", external: false },
        },
      },
    );
    const inputs = gatherTranslateInputs({
      project: p,
      loadOptions: { files: [], profiles: [], envFiles: [], services: [], environment: { SHELL_ONLY: "1" }, cwd: "/src/shop" },
      fs,
      isFile: (path) => path.endsWith(".conf") || path.endsWith(".txt"),
    });
    expect(inputs.files).toEqual({ "/src/shop/pw.txt": "pw" });
    expect(inputs.bindFiles).toEqual({ "/src/shop/nginx.conf": "events {}" });
    expect(inputs.watchFiles).toEqual(["/src/shop/site.conf"]);
    expect(inputs.variables).toMatchObject({ TOKEN: "from-dotenv", SHELL_ONLY: "1" });
  });

  it("reads the HEALTHCHECK of each build's Dockerfile (file or dockerfile_inline) at its target", () => {
    const build = { dockerfile: "Dockerfile", args: {}, labels: {}, cacheFrom: [], extraHosts: [] };
    const p = project([
      service("api", { build: { ...build, context: "/src/shop/api", target: "run" } }),
      service("inline", { build: { ...build, context: "/src/shop", dockerfileInline: "FROM busybox\nHEALTHCHECK CMD true\n" } }),
      service("plain", { build: { ...build, context: "/src/shop/plain" } }),
      service("pulled", {}),
    ]);
    const inputs = gatherTranslateInputs({
      project: p,
      loadOptions: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/src/shop" },
      fs: memoryFs({
        "/src/shop/api/Dockerfile": "FROM golang AS build\nHEALTHCHECK CMD false\nFROM debian AS run\nHEALTHCHECK --interval=3s CMD [\"/app/api\", \"-check\"]\n",
        "/src/shop/plain/Dockerfile": "FROM debian\nCMD [\"sleep\", \"inf\"]\n",
      }),
      isFile: () => false,
    });
    expect(inputs.imageHealthchecks).toEqual({
      api: { test: ["CMD", "/app/api", "-check"], interval: 3_000, disable: false },
      inline: { test: ["CMD-SHELL", "true"], disable: false },
    });
  });
});
