import { describe, expect, it } from "vitest";
import { codesOf, runHarness } from "../testing/doctor-harness.js";

const dockerfile = 'FROM node:20.18.1-bookworm-slim\n{X}\nUSER 1000\nCMD ["node", "a.js"]\n';
const hidden = "s3cr3t-Value-42";

describe("DL-DOCTOR-003 secrets in compose environment", () => {
  const compose = "services:\n  app:\n    environment:\n      DB_PASSWORD: s3cr3t-Value-42\n      API_TOKEN: ${API_TOKEN}\n      TOKEN_TTL: \"3600\"\n      LOG_LEVEL: debug\n";
  const files = { "compose.yml": compose };
  const sourceMap = {
    "services.app.environment.DB_PASSWORD": { file: "/p/compose.yml", line: 4, column: 7 },
    "services.app.environment.API_TOKEN": { file: "/p/compose.yml", line: 5, column: 7 },
  };
  const service = { image: "node:20.18.1", user: "1000", environment: { DB_PASSWORD: hidden, API_TOKEN: "from-shell-abc", TOKEN_TTL: "3600", LOG_LEVEL: "debug" } };

  it("reports a literal, not an interpolated value, and never prints the value", async () => {
    const findings = await runHarness({ files, sourceMap, service });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-003", file: "compose.yml", line: 4, column: 7, path: "services.app.environment.DB_PASSWORD" }]);
    expect(JSON.stringify(findings)).not.toContain(hidden);
  });

  it("finds the line by name when the source map has only the service", async () => {
    const findings = await runHarness({ files, sourceMap: { "services.app": { file: "/p/compose.yml", line: 2, column: 3 } }, service });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-003", line: 4, column: 7 }]);
  });

  it("without a source location, reports only values with a known secret shape", async () => {
    const findings = await runHarness({ service: { ...service, environment: { DB_PASSWORD: hidden, AWS_KEY_ID: "AKIAABCDEFGHIJKLMNOP" } } });
    expect(findings.map((f) => [f.code, f.message])).toEqual([
      ["DL-DOCTOR-003", "environment variable AWS_KEY_ID holds what looks like an AWS access key id written in the compose file (value not shown)"],
    ]);
  });

  it("ignores variables that came from an env_file", async () => {
    const findings = await runHarness({ files, sourceMap, service: { ...service, environmentSources: { DB_PASSWORD: "/p/app.env" } } });
    expect(findings).toEqual([]);
  });
});

describe("DL-DOCTOR-004/005 secrets in the Dockerfile", () => {
  it("reports ENV with a secret literal (error) without printing it", async () => {
    const findings = await runHarness({ dockerfile: dockerfile.replace("{X}", `ENV NODE_ENV=production API_KEY=${hidden}`) });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-004", severity: "error", line: 2, message: "ENV API_KEY has a secret-looking name and a value (value not shown)" }]);
    expect(JSON.stringify(findings)).not.toContain(hidden);
  });

  it("reports a private key in ENV whatever the name, and ENV copying a build arg", async () => {
    const key = "ENV CERT=\"-----BEGIN RSA PRIVATE KEY-----abc\"";
    expect(codesOf(await runHarness({ dockerfile: dockerfile.replace("{X}", key) }))).toEqual(["DL-DOCTOR-004"]);
    expect(codesOf(await runHarness({ dockerfile: dockerfile.replace("{X}", "ARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN") }))).toEqual(["DL-DOCTOR-005", "DL-DOCTOR-004"]);
  });

  it("reports an ARG default (error) and a secret ARG without one (warning)", async () => {
    const findings = await runHarness({
      dockerfile: dockerfile.replace("{X}", `ARG GITHUB_TOKEN=ghp_${"a".repeat(36)}\nARG NPM_TOKEN`),
      service: { build: { context: "/p/app", args: { NPM_TOKEN: "x" } } },
    });
    expect(findings.map((f) => [f.code, f.severity, f.line])).toEqual([
      ["DL-DOCTOR-004", "error", 2],
      ["DL-DOCTOR-005", "warning", 3],
    ]);
    expect(findings[1]?.message).toContain("the compose file passes it in build.args");
  });

  it("does not report secrets in a build stage the image does not inherit, nor harmless names", async () => {
    const multi = `FROM node:20.18.1 AS build\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\nFROM node:20.18.1-slim\nENV PASSWORD_FILE=/run/secrets/db TOKEN_TTL=60\nUSER 1000\nCMD ["node"]\n`;
    expect(await runHarness({ dockerfile: multi })).toEqual([]);
  });
});
