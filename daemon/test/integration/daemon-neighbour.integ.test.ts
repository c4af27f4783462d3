/**
 * The daemon as a safe neighbour (issue 15 items 1 and 4), against a real daemon that the real CLI started
 * detached (as `devloop up` does), running a one-service project on the local cluster:
 * - a second Unix user on the same machine (created here when absent; the tests run as root) is refused on every
 *   route with 401/403 — also with the headers that used to open the token endpoint — and cannot read the token;
 * - after kill -9 (the daemon's parent is gone, so it lingers as a zombie until reaped), an immediate `up` starts a
 *   new daemon that accepts it in under 5 s (and `up -d` then exits 0 once the service is ready again);
 * - after kill -9, `devloop status` restarts the daemon, which resumes the project without a new `up`;
 * - a busy remembered port: the daemon starts on another one.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, createTestDaemon, kube, projectDir, sleep, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/bed-images.js";

const stranger = "devloop-stranger";

/** Creates the unprivileged user when absent (no home, no login shell). */
const ensureStranger = (): void => {
  if (spawnSync("id", ["-u", stranger]).status === 0) return;
  execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", stranger]);
};

/** Runs a command as the stranger. */
const asStranger = (cmd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync("runuser", ["-u", stranger, "--", cmd, ...args], { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** curl as the stranger: "<status> <body>". */
const strangerCurl = (method: string, url: string, headers: readonly string[] = []): { status: number; body: string } => {
  const args = ["-s", "-X", method, "-w", "\n%{http_code}", ...headers.flatMap((h) => ["-H", h])];
  if (method !== "GET") args.push("-H", "Content-Type: application/json", "--data", "{}");
  const r = asStranger("curl", [...args, url]);
  const lines = r.stdout.split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
};

const info = (stateDir: string): { pid: number; port: number } => JSON.parse(readFileSync(join(stateDir, "daemon.json"), "utf8")) as { pid: number; port: number };

describe("the daemon as a safe neighbour", () => {
  const daemon = createTestDaemon();
  const name = `nb${suffix()}`;
  const namespace = `${name}-ns`;
  const project = projectDir(`name: ${name}
services:
  app:
    image: ${bedImages().runtime}
    command: ["sleep", "infinity"]
`);

  beforeAll(async () => {
    ensureStranger();
    // As an older devloop, or a wide umask, may have left them: the daemon narrows them when it starts.
    chmodSync(daemon.stateDir, 0o755);
    writeFileSync(join(daemon.stateDir, "token"), randomBytes(32).toString("hex"), { mode: 0o644 });
    chmodSync(join(daemon.stateDir, "token"), 0o644);
    // The CLI starts the daemon detached, as a user's `devloop up` does.
    const up = await daemon.cli(["up", "-d", "-n", namespace, "--wait-timeout", "200"], project.dir, 240_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\/login\?t=[\w-]{43}\n/);
  }, 300_000);

  afterAll(async () => {
    await daemon.cli(["down", "-p", name, "-n", namespace], project.dir, 120_000).catch(() => undefined);
    await daemon.cli(["daemon", "stop"], project.dir, 30_000).catch(() => undefined);
    await kube().core.deleteNamespace({ name: namespace }).catch(() => undefined);
    project.remove();
    rmSync(daemon.stateDir, { recursive: true, force: true });
  });

  it("keeps its state directory to its owner: 0700, files 0600, and another user cannot read the token", () => {
    expect(statSync(daemon.stateDir).mode & 0o777).toBe(0o700);
    for (const file of ["token", "daemon.json", "state.json", "daemon.log", "port", "daemon.lock"]) {
      expect({ file, mode: (statSync(join(daemon.stateDir, file)).mode & 0o777).toString(8) }).toEqual({ file, mode: "600" });
    }
    const token = readFileSync(join(daemon.stateDir, "token"), "utf8").trim();
    const read = asStranger("cat", [join(daemon.stateDir, "token")]);
    expect(read.status).not.toBe(0);
    expect(read.stderr).toContain("Permission denied");
    expect(read.stdout).not.toContain(token);
    expect(asStranger("ls", [daemon.stateDir]).stderr).toContain("Permission denied");
    // Nor through the daemon's process: its environment is the owner's only.
    const environ = asStranger("cat", [`/proc/${info(daemon.stateDir).pid}/environ`]);
    expect(environ.status).not.toBe(0);
  });

  it("refuses a second Unix user on every route (401/403), with any browser headers", () => {
    const { port } = info(daemon.stateDir);
    const token = readFileSync(join(daemon.stateDir, "token"), "utf8").trim();
    const base = `http://127.0.0.1:${port}`;
    const p = `/api/projects/${name}`;
    const routes: readonly [string, string][] = [
      ["GET", "/api/state"],
      ["GET", "/api/events?since=0"],
      ["GET", "/api/namespaces"],
      ["POST", "/api/projects"],
      ["POST", `${p}/down`],
      ["POST", `${p}/namespace`],
      ["POST", `${p}/restart`],
      ["POST", `${p}/resync`],
      ["POST", `${p}/rebuild`],
      ["GET", `${p}/logs`],
      ["GET", `${p}/timeline`],
      ["GET", `${p}/diagnostics`],
      ["GET", `${p}/translation`],
      ["GET", `${p}/profiles`],
      ["POST", `${p}/profiles`],
      ["POST", "/api/shutdown"],
      ["POST", "/api/dashboard/login-link"],
      ["GET", "/api/dashboard/session"],
      ["GET", "/api/STATE"],
      ["GET", "/nope"],
    ];
    // None, what an address-bar request sends (the old token endpoint's opening), and our own page's origin.
    const headerSets: readonly (readonly string[])[] = [[], ["Sec-Fetch-Site: none"], ["Sec-Fetch-Site: same-origin", `Origin: ${base}`], ["Authorization: Bearer wrong"]];
    const answers: string[] = [];
    for (const [method, path] of routes) {
      for (const headers of headerSets) {
        const res = strangerCurl(method, `${base}${path}`, headers);
        answers.push(`${method} ${path} [${headers.join(", ")}] → ${res.status}`);
        expect([401, 403], `${method} ${path} [${headers.join(", ")}]: ${res.status} ${res.body}`).toContain(res.status);
        expect(res.body).not.toContain(token);
      }
    }
    process.stdout.write(`[measure] a second Unix user: ${answers.length} requests over ${routes.length} routes, all refused (${[...new Set(answers.map((a) => a.slice(-3)))].join(", ")})\n`);
    // A guessed sign-in link is refused and sets no cookie.
    const guess = asStranger("curl", ["-s", "-i", `${base}/login?t=${"A".repeat(43)}`]);
    expect(guess.stdout).toMatch(/^HTTP\/1\.1 401/);
    expect(guess.stdout.toLowerCase()).not.toContain("set-cookie");
    // The bare health check names nothing; the page's files are code and carry no token.
    expect(JSON.parse(strangerCurl("GET", `${base}/api/health`).body)).toEqual({ ok: true });
    for (const file of ["/", "/app.js", "/api.js"]) {
      const res = strangerCurl("GET", `${base}${file}`);
      expect(res.status).toBe(200);
      expect(res.body).not.toContain(token);
    }
    // Nothing moved: the project is still up in its namespace.
    expect(strangerCurl("GET", `${base}/api/state`).status).toBe(401);
  });

  it("devloop daemon status prints a fresh sign-in link that works once and sets an HttpOnly, SameSite=Strict cookie", async () => {
    const status = await daemon.cli(["daemon", "status"], project.dir, 30_000);
    expect(status.code, status.stderr).toBe(0);
    const link = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/login\?t=[\w-]{43})\n/.exec(status.stdout)?.[1];
    expect(link, status.stdout).toBeDefined();
    const first = await fetch(link ?? "", { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/");
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/; HttpOnly; SameSite=Strict$/);
    // The cookie reads the state, as the page does; the link is spent.
    const base = new URL(link ?? "").origin;
    expect((await fetch(`${base}/api/state`, { headers: { cookie: cookie.split(";")[0] ?? "", "sec-fetch-site": "same-origin" } })).status).toBe(200);
    expect((await fetch(link ?? "", { redirect: "manual" })).status).toBe(401);
  });

  it("comes back at once after kill -9: an immediate up is accepted by a new daemon in under 5 s", async () => {
    const before = info(daemon.stateDir);
    const killedAt = Date.now();
    process.kill(before.pid, "SIGKILL");
    // Its parent (the CLI that spawned it) is gone: until something reaps it, its pid still signals.
    await sleep(50);
    let stat = "gone";
    try {
      stat = readFileSync(`/proc/${before.pid}/stat`, "utf8").replace(/^.*\) (\S).*$/s, "$1");
    } catch {
      // reaped already
    }
    // The real CLI, watched line by line: "dashboard:" is printed once the daemon has accepted the up.
    const up = spawn(process.execPath, [bin, "up", "-d", "-n", namespace, "--wait-timeout", "60"], { cwd: project.dir, env: daemon.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let acceptedAt: number | undefined;
    up.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (acceptedAt === undefined && stdout.includes("dashboard: ")) acceptedAt = Date.now();
    });
    up.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => up.once("exit", resolve));
    const doneAt = Date.now();
    const log = readFileSync(join(daemon.stateDir, "daemon.log"), "utf8");
    const listening = log.split("\n").filter((l) => l.includes("listening on 127.0.0.1:")).pop()?.slice(0, 24);
    const listeningAt = listening === undefined ? Number.NaN : Date.parse(listening);
    process.stdout.write(
      `[measure] kill -9 (old daemon ${stat === "Z" ? "a zombie" : stat === "gone" ? "reaped" : `state ${stat}`}) → new daemon listening ${listeningAt - killedAt} ms, up accepted ${(acceptedAt ?? Number.NaN) - killedAt} ms, up -d exits ${code} at ${doneAt - killedAt} ms (ready)\n`,
    );
    expect(code, stdout + stderr).toBe(0);
    expect((acceptedAt ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(5000);
    const after = info(daemon.stateDir);
    expect(after.pid).not.toBe(before.pid);
    // The same address (the remembered port was free again), so an open dashboard reconnects.
    expect(after.port).toBe(before.port);
    expect(log).toContain(`took over the lock of daemon pid ${before.pid}`);
  });

  it("brings a killed daemon and its project back on the next devloop status, without a new up", async () => {
    const before = info(daemon.stateDir);
    process.kill(before.pid, "SIGKILL");
    const started = performance.now();
    const status = await daemon.cli(["status", "--json"], project.dir, 30_000);
    const ms = performance.now() - started;
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(info(daemon.stateDir).pid).not.toBe(before.pid);
    // The new daemon resumed the project from state.json: status names it and its service.
    expect(status.stdout).toContain(name);
    expect(status.stdout).toContain("app");
    const ready = await daemon.waitFor(name, (p) => p?.services.find((x) => x.name === "app")?.phase === "ready", 60_000, "app ready after the restart");
    process.stdout.write(`[measure] kill -9 → devloop status restarts the daemon and lists ${name} in ${Math.round(ms)} ms; app ${ready?.services.find((x) => x.name === "app")?.phase ?? "?"}\n`);
    // A daemon stopped on purpose is not started by status.
    expect((await daemon.cli(["daemon", "stop"], project.dir, 30_000)).code).toBe(0);
    const after = await daemon.cli(["status"], project.dir, 30_000);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("no devloop daemon is running");
    const up = await daemon.cli(["up", "-d", "-n", namespace, "--wait-timeout", "60"], project.dir, 90_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  });
});

describe("a busy remembered port", () => {
  const daemon = createTestDaemon();
  let squatter: Server;

  afterAll(async () => {
    await daemon.stop();
    squatter?.close();
    rmSync(daemon.stateDir, { recursive: true, force: true });
  });

  it("starts the daemon on another free port, and says why", async () => {
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const address = squatter.address();
    const busy = typeof address === "object" && address ? address.port : 0;
    writeFileSync(join(daemon.stateDir, "port"), String(busy));
    delete daemon.env["DEVLOOP_PORT"];
    await daemon.start();
    const { port } = info(daemon.stateDir);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(busy);
    expect(readFileSync(join(daemon.stateDir, "port"), "utf8")).toBe(String(port));
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).ok).toBe(true);
    expect(readFileSync(join(daemon.stateDir, "daemon.log"), "utf8")).toContain(`port ${busy} (the previous daemon's) is taken (EADDRINUSE); listening on another`);
    // Still running a moment later (it used to write port 0 and exit 13).
    await sleep(1000);
    expect(daemon.process?.exitCode).toBeNull();
  });
});
