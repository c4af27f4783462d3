import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const devloop = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const run = spawnSync(process.execPath, ["bin/devloop.js", ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe("devloop validate", () => {
  it("exits 0 for the example and prints nothing on stdout", () => {
    const run = devloop("validate", "-f", "compose.example.yml");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("shop: 4 services, valid");
  }, 30_000);

  it("exits 1 with every diagnostic, rendered with source and caret, and no stack trace", () => {
    const run = devloop("validate", "-f", "fixtures/invalid/many-errors/compose.yml");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("fixtures/invalid/many-errors/compose.yml:6:9: error DL-COMPOSE-012 at services.web.ports[0]");
    expect(run.stderr).toContain("    6 |       - \"80:80:tcp\"");
    expect(run.stderr).toContain("7 errors, 1 warning");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("exits 0 when there are only warnings", () => {
    const run = devloop("validate", "-f", "fixtures/invalid/obsolete-version/compose.yml");
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("warning DL-COMPOSE-029");
  }, 30_000);
});

describe("devloop config", () => {
  it("prints the resolved model as YAML and JSON", () => {
    const yaml = devloop("config", "-f", "compose.example.yml");
    expect(yaml.status).toBe(0);
    const model = parse(yaml.stdout) as { name: string; services: Record<string, { ports?: unknown[]; depends_on?: Record<string, { condition: string }> }> };
    expect(model.name).toBe("shop");
    expect(Object.keys(model.services)).toEqual(["web", "api", "cache", "migrate"]);
    expect(model.services["web"]?.depends_on?.["migrate"]?.condition).toBe("service_completed_successfully");
    const json = devloop("config", "-f", "compose.example.yml", "--format", "json", "--profile", "debug");
    expect(json.status).toBe(0);
    expect(Object.keys((JSON.parse(json.stdout) as { services: object }).services)).toContain("web-debug");
  }, 30_000);

  it("rejects an unknown format with exit 1", () => {
    expect(devloop("config", "-f", "compose.example.yml", "--format", "toml").status).toBe(1);
  }, 30_000);

  it("warns where a service's resources collide with the namespace defaults up installs, naming the figures", () => {
    const dir = mkdtempSync(join(tmpdir(), "devloop-validate-"));
    try {
      writeFileSync(join(dir, "compose.yml"), [
        "services:",
        "  search:",
        "    image: elasticsearch:8.13.0",
        "    environment:",
        "      ES_JAVA_OPTS: -Xms2g -Xmx2g",
        "  db:",
        "    image: postgres:16",
        "    mem_limit: 10g",
        "  cache:",
        "    image: redis:7",
        "    deploy:",
        "      resources:",
        "        reservations:",
        "          cpus: '2'",
        "  web:",
        "    image: nginx",
        "    mem_limit: 2g",
        "    environment:",
        "      JAVA_OPTS: -Xmx1536m",
        "",
      ].join("\n"));
      const run = devloop("validate", "-f", join(dir, "compose.yml"));
      expect(run.status).toBe(0);
      expect(run.stderr).toContain("warning DL-ISOLATION-003 at services.search.environment.ES_JAVA_OPTS");
      expect(run.stderr).toContain("asks for a 2Gi heap (-Xmx2g in environment ES_JAVA_OPTS) and sets no memory limit, so the namespace's default limit 1Gi applies");
      expect(run.stderr).toContain("compose.yml:8:5: warning DL-ISOLATION-001 at services.db.mem_limit");
      expect(run.stderr).toContain("memory limit 10Gi is above the max 8Gi of the LimitRange devloop installs");
      expect(run.stderr).toContain("warning DL-ISOLATION-002 at services.cache.deploy.resources.reservations.cpus");
      expect(run.stderr).toContain("reserves 2 cpu and sets no cpu limit, so the namespace's default limit 1 applies");
      // web sets a limit above its heap: nothing to say.
      expect(run.stderr).not.toContain("service web");
      expect(run.stderr).toContain("3 warnings");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("a heredoc that cannot be built is an error at its Dockerfile line (DL-BUILD-006); heredocs that build say nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "devloop-validate-"));
    try {
      writeFileSync(join(dir, "compose.yml"), ["services:", "  web:", "    build: .", ""].join("\n"));
      writeFileSync(join(dir, "Dockerfile"), ["FROM alpine", "COPY <<EOF /etc/motd", "hello", "EOF", "RUN <<EOF", "echo hi", ""].join("\n"));
      const run = devloop("validate", "-f", join(dir, "compose.yml"));
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`${join(dir, "Dockerfile")}:5:1: error DL-BUILD-006 at services.web.build.dockerfile`);
      expect(run.stderr).toContain('service web: RUN <<EOF: unterminated heredoc, no line "EOF" after it');
      expect(run.stderr).not.toContain(":2:1:");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
