import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMemoryFileSystem } from "../../../daemon/src/compose/memory-file-system.js";
import { verbatimFileSystem } from "./config.js";

const BIN = fileURLToPath(new URL("../../../bin/devloop.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "devloop-config-"));
writeFileSync(
  join(dir, "compose.yml"),
  [
    "name: shop",
    "services:",
    "  web:",
    "    image: nginx:${NGINX_TAG:-1.25}",
    "    volumes: [data:/data]",
    "  api:",
    "    build: ./api",
    "  debug:",
    "    image: busybox",
    "    profiles: [debug, tools]",
    "volumes:",
    "  data: {}",
    "  cache: {}",
    "",
  ].join("\n"),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const devloop = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", NGINX_TAG: "" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe("devloop config flags, shaped like docker compose config", () => {
  it("--services, --volumes, --images print one name a line; --profiles lists every profile, enabled or not", () => {
    expect(devloop("config", "--services").stdout).toBe("web\napi\n");
    expect(devloop("config", "--volumes").stdout).toBe("data\ncache\n");
    expect(devloop("config", "--images").stdout).toBe("nginx:1.25\nshop-api:devloop\n");
    expect(devloop("config", "--profiles").stdout).toBe("debug\ntools\n");
  }, 60_000);

  it("global options before the command reach config (--profile enables debug)", () => {
    expect(devloop("--profile", "debug", "config", "--services").stdout).toBe("web\napi\ndebug\n");
  }, 30_000);

  it("-q prints nothing and exits 0; a broken file exits 1", () => {
    const ok = devloop("config", "-q");
    expect(ok).toMatchObject({ status: 0, stdout: "" });
    writeFileSync(join(dir, "broken.yml"), "services:\n  x:\n    ports: ['80:80:tcp']\n    image: a\n");
    const bad = devloop("-f", "broken.yml", "config", "-q");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("broken.yml:3");
  }, 30_000);

  it("--format json -o FILE writes the model to the file and nothing to stdout", () => {
    const run = devloop("config", "--format", "json", "-o", "out.json");
    expect(run).toMatchObject({ status: 0, stdout: "" });
    const model = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as { name: string; services: Record<string, { image?: string }> };
    expect(model.name).toBe("shop");
    expect(model.services["web"]?.image).toBe("nginx:1.25");
  }, 30_000);

  it("--no-interpolate keeps ${VARIABLES} as written", () => {
    const run = devloop("config", "--no-interpolate");
    expect(run.status).toBe(0);
    const model = parse(run.stdout) as { services: Record<string, { image?: string }> };
    expect(model.services["web"]?.image).toBe("nginx:${NGINX_TAG:-1.25}");
  }, 30_000);

  it("--format other than yaml or json is a user error (exit 1), no stack", () => {
    const run = devloop("config", "--format", "toml");
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('devloop: --format must be yaml or json; got "toml"\n');
  }, 30_000);

  it("the verbatim file system doubles $ in YAML only", () => {
    const fs = verbatimFileSystem(createMemoryFileSystem({ "/p/compose.yml": "a: ${X} $$y", "/p/.env": "X=$HOME" }));
    expect(fs.readFile("/p/compose.yml")).toBe("a: $${X} $$$$y");
    expect(fs.readFile("/p/.env")).toBe("X=$HOME");
  });
});
