/**
 * Bad input against a real daemon on the local cluster (issue 15, items 2, 5 and 6):
 * - the exponential .env (each line doubling the one before) and the chained 100,000-line .env give located
 *   errors, as does YAML nested 10,000 deep, and the daemon — same process, memory bounded — keeps serving a
 *   project that was running before;
 * - a secret interpolated into a bad value never appears in any API response, event, CLI output, state.json or the
 *   daemon log, and state.json keeps neither the caller's other variables nor the Secret's data;
 * - `..` sync targets are refused at `validate` (and by `up`).
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicEvent } from "../../src/api/types.js";
import { stateFiles } from "../../src/api/state-dir.js";
import { createTestDaemon, deploymentEnvWith, kube, projectDir, sleep, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/bed-images.js";

const redacted = "•••• (redacted)";

const rssMiB = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
};

/** GET an API route as the CLI does (the token from the state directory). */
const apiGet = async (stateDir: string, path: string): Promise<{ status: number; text: string }> => {
  const files = stateFiles(stateDir);
  const info = JSON.parse(readFileSync(files.daemon, "utf8")) as { port: number };
  const token = readFileSync(files.token, "utf8").trim();
  const res = await fetch(`http://127.0.0.1:${info.port}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
};

describe("bad input on a real daemon", () => {
  const daemon = createTestDaemon();
  const runtime = bedImages().runtime;
  const good = `bi${suffix()}`;
  const goodNs = `${good}-ns`;
  const goodProject = projectDir(`name: ${good}\nservices:\n  app:\n    image: ${runtime}\n    command: ["sleep", "infinity"]\n`);
  const { core } = kube();
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    await daemon.start();
    const up = await daemon.cli(["up", "-d", "-n", goodNs, "--wait-timeout", "180"], goodProject.dir, 220_000);
    expect(up.code, up.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    for (const c of cleanups) await Promise.resolve().then(c).catch(() => undefined);
    await daemon.cli(["down", "-p", good, "-n", goodNs], goodProject.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: goodNs }).catch(() => undefined);
    goodProject.remove();
  }, 240_000);

  it("the exponential .env, the chained 100k-line .env and 10,000-level YAML give located errors; the daemon keeps serving another project", async () => {
    const pid = daemon.process?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    const rssBefore = rssMiB(pid);
    const compose = (name: string): string => `name: ${name}\nservices:\n  app:\n    image: ${runtime}\n    environment:\n      BIG: \${A40:-\${B99999:-x}}\n`;

    const exponential = projectDir(compose(`exp${suffix()}`));
    writeFileSync(join(exponential.dir, ".env"), ["A0=xxxxxxxxxx", ...Array.from({ length: 40 }, (_, i) => `A${i + 1}=\${A${i}}\${A${i}}`)].join("\n") + "\n");
    const chained = projectDir(compose(`chain${suffix()}`));
    const lines = [`B0=${"x".repeat(64)}`];
    for (let i = 1; i < 100_000; i++) lines.push(`B${i}=\${B${i - 1}}x`);
    writeFileSync(join(chained.dir, ".env"), lines.join("\n") + "\n");
    const deep = projectDir(`name: deep${suffix()}\nservices:\n  app:\n    image: ${runtime}\n    x-deep: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`);
    cleanups.push(() => [exponential, chained, deep].forEach((p) => p.remove()));

    let peak = rssBefore;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMiB(pid));
      } catch {
        // exited: the assertions below say so
      }
    }, 50);
    try {
      const exp = await daemon.cli(["up", "-d", "--wait-timeout", "30"], exponential.dir, 60_000);
      expect(exp.code).toBe(1);
      expect(exp.stderr).toMatch(/^\.env:18:1: error DL-COMPOSE-045/m);
      expect(exp.stderr).toContain("A17: expanding A16 makes the value longer than 1 MiB");
      expect(exp.stderr).not.toContain("internal error");

      const started = Date.now();
      const chain = await daemon.cli(["up", "-d", "--wait-timeout", "30"], chained.dir, 60_000);
      const chainMs = Date.now() - started;
      expect(chain.code).toBe(1);
      expect(chain.stderr).toMatch(/^\.env:57\d\d:1: error DL-COMPOSE-045/m);
      expect(chain.stderr).toContain("more than 16 MiB in total");
      // The CLI's own start-up is most of it; the load itself is ~0.5 s.
      expect(chainMs).toBeLessThan(20_000);

      const nested = await daemon.cli(["up", "-d", "--wait-timeout", "30"], deep.dir, 60_000);
      expect(nested.code).toBe(1);
      expect(nested.stderr).toMatch(/^compose\.yml:5:\d+: error DL-COMPOSE-046 at services\.app\.x-deep\[0\]/m);
      expect(nested.stderr).not.toContain("call stack");
    } finally {
      clearInterval(sampler);
    }

    // Same daemon, still answering, its memory bounded, and the other project untouched and still served.
    expect(daemon.process?.exitCode).toBeNull();
    expect(daemon.process?.pid).toBe(pid);
    expect(peak - rssBefore).toBeLessThan(400);
    const client = await daemon.client();
    expect(client.info.pid).toBe(pid);
    const other = await daemon.project(good);
    expect(other?.status).toBe("active");
    expect(other?.settled).toBe(true);
    const status = await daemon.cli(["status", "--json"], goodProject.dir, 60_000);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(good);
    // It still acts for it: an edit to its compose file is loaded and applied.
    goodProject.write(`name: ${good}\nservices:\n  app:\n    image: ${runtime}\n    command: ["sleep", "infinity"]\n    environment:\n      AFTER: bad-input\n`);
    const env = await deploymentEnvWith(goodNs, "app", "AFTER", 120_000);
    expect(env).toContainEqual(expect.objectContaining({ name: "AFTER", value: "bad-input" }));
  }, 300_000);

  it("a secret interpolated into a bad value never appears in any API response, event or state file", async () => {
    const name = `sec${suffix()}`;
    const namespace = `${name}-ns`;
    const password = `pw-${suffix()}${suffix()}-do-not-leak`;
    const fromEnvFile = `tok-${suffix()}${suffix()}-from-dotenv`;
    const unrelated = `unrelated-${suffix()}`;
    const valid = `name: ${name}\nservices:\n  app:\n    image: ${runtime}\n    command: ["sleep", "infinity"]\n    environment:\n      DB_PASSWORD: \${DB_PASSWORD}\n      API_TOKEN: \${API_TOKEN}\n`;
    const project = projectDir(valid);
    writeFileSync(join(project.dir, ".env"), `API_TOKEN=${fromEnvFile}\n`);
    cleanups.push(async () => {
      await daemon.cli(["down", "-p", name, "-n", namespace], project.dir, 120_000);
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      project.remove();
    });
    daemon.env["DB_PASSWORD"] = password;
    daemon.env["SOME_UNRELATED_VARIABLE"] = unrelated;

    const events: PublicEvent[] = [];
    const controller = new AbortController();
    const client = await daemon.client();
    const streaming = client.events({ signal: controller.signal, onEvent: (e) => events.push(e) }).catch(() => undefined);
    const outputs: string[] = [];
    try {
      // Refused at up: the API's answer and what the CLI prints.
      project.write(`${valid}    ports: ["\${DB_PASSWORD}"]\n    mem_limit: \${API_TOKEN}\n`);
      const refused = await daemon.cli(["up", "-d", "-n", namespace, "--wait-timeout", "60"], project.dir, 120_000);
      outputs.push(refused.stdout, refused.stderr);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/compose\.yml:\d+:\d+: error DL-COMPOSE-012 at services\.app\.ports\[0\]/);
      expect(refused.stderr).toMatch(/error DL-COMPOSE-015 at services\.app\.mem_limit/);
      expect(refused.stderr).toContain(`got ${redacted}`);

      // Running, then a bad edit: the diagnostics live in the engine's state, the events and state.json.
      project.write(valid);
      const up = await daemon.cli(["up", "-d", "-n", namespace, "--wait-timeout", "200"], project.dir, 240_000);
      outputs.push(up.stdout, up.stderr);
      expect(up.code, up.stderr).toBe(0);
      project.write(`${valid}    ports: ["\${DB_PASSWORD}"]\n    mem_limit: \${API_TOKEN}\n`);
      await daemon.waitFor(name, (p) => (p?.diagnostics ?? []).some((d) => d.code === "DL-COMPOSE-012"), 60_000, "the bad edit's diagnostics");
      const status = await daemon.cli(["status", "--json"], project.dir, 60_000);
      outputs.push(status.stdout, status.stderr);
      await sleep(1500); // the state file is written 100 ms after a change

      const state = await apiGet(daemon.stateDir, "/api/state");
      const diagnostics = await apiGet(daemon.stateDir, `/api/projects/${name}/diagnostics`);
      expect(state.status).toBe(200);
      expect(diagnostics.status).toBe(200);
      const listed = JSON.parse(diagnostics.text) as { code: string; got?: string; excerpt?: unknown }[];
      expect(listed.find((d) => d.code === "DL-COMPOSE-012")?.got).toBe(redacted);
      expect(listed.find((d) => d.code === "DL-COMPOSE-015")?.got).toBe(redacted);
      expect(events.some((e) => JSON.stringify(e).includes("DL-COMPOSE-012"))).toBe(true);

      const stateFile = readFileSync(stateFiles(daemon.stateDir).state, "utf8");
      const log = readFileSync(stateFiles(daemon.stateDir).log, "utf8");
      const everything = { state: state.text, diagnostics: diagnostics.text, events: JSON.stringify(events), stateFile, log, cli: outputs.join("\n") };
      for (const [where, text] of Object.entries(everything)) {
        expect(text, where).not.toContain(password);
        expect(text, where).not.toContain(fromEnvFile);
      }
      // The shell's secret waits beside state.json, 0600 like the token, for a resumed project — and only it.
      const secretsPath = join(daemon.stateDir, "state.secrets.json");
      expect(statSync(secretsPath).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(secretsPath, "utf8"))).toEqual({ version: 1, environment: { [name]: { DB_PASSWORD: password } } });
      // Only what the project referred to, never the caller's whole environment.
      expect(stateFile).not.toContain(unrelated);
      expect(stateFile).not.toContain("SOME_UNRELATED_VARIABLE");
      expect(stateFile).toContain(`"DEVLOOP_USER":"it"`);
      // Redaction is for what devloop shows: the cluster has the real values all the same.
      const secret = await core.readNamespacedSecret({ name: "app-env", namespace });
      const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
      expect(data).toEqual(expect.objectContaining({ DB_PASSWORD: password, API_TOKEN: fromEnvFile }));
    } finally {
      controller.abort();
      await streaming;
      delete daemon.env["DB_PASSWORD"];
      delete daemon.env["SOME_UNRELATED_VARIABLE"];
    }
  }, 360_000);

  it("refuses .. sync targets at validate, and up refuses them too", async () => {
    const project = projectDir(`name: tgt${suffix()}
services:
  app:
    image: ${runtime}
    develop:
      watch:
        - action: sync
          path: ./src
          target: /app/../../etc/x
        - action: sync
          path: ./lib
          target: ../../tmp/x
        - action: sync
          path: ./public
          target: /
`);
    cleanups.push(() => project.remove());
    const validate = await daemon.cli(["validate"], project.dir, 60_000);
    expect(validate.code).toBe(1);
    const out = validate.stdout + validate.stderr;
    expect(out).toMatch(/compose\.yml:9:19: error DL-COMPOSE-047 at services\.app\.develop\.watch\[0\]\.target/);
    expect(out).toContain("(it would resolve to /etc/x)");
    expect(out).toMatch(/compose\.yml:12:19: error DL-COMPOSE-047 at services\.app\.develop\.watch\[1\]\.target/);
    expect(out).toMatch(/compose\.yml:15:19: error DL-COMPOSE-047 at services\.app\.develop\.watch\[2\]\.target/);
    const up = await daemon.cli(["up", "-d", "--wait-timeout", "30"], project.dir, 60_000);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("DL-COMPOSE-047");
  }, 120_000);
});
