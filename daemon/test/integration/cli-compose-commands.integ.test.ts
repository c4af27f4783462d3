/**
 * The Compose-shaped CLI commands on the real local cluster, through the real CLI and daemon: ps (table and
 * --format json), port, exec (exit codes, -w, -e, piped stdin with -T), run (a one-off pod with the service's
 * image, env and volumes, its exit code, removed afterwards), logs --since/--tail/--timestamps/--no-log-prefix,
 * and global options before the subcommand.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, createTestDaemon, freePort, kube, nodeImage, projectDir, sleep, suffix } from "./daemon-support.js";

const name = `dlcli${suffix()}`;
const ns = `${name}-ns`;

const compose = (port: number): string => `
name: ${name}
services:
  web:
    image: ${nodeImage}
    command: ["node", "-e", "console.log('web starting'); require('http').createServer((q, s) => s.end(process.env.GREETING + ' from web')).listen(3000)"]
    environment:
      GREETING: hello
    volumes:
      - data:/data
    ports:
      - "${port}:3000"
volumes:
  data: {}
`;

describe("Compose-shaped CLI commands on the local cluster", () => {
  const daemon = createTestDaemon();
  let port = 0;
  let project: ReturnType<typeof projectDir>;
  const { core, apps } = kube();

  /** The real CLI with bytes on its stdin (the support helper gives it none). */
  const cliWithStdin = (args: readonly string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: project.dir, env: daemon.env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(input);
    });

  beforeAll(async () => {
    port = await freePort();
    project = projectDir(compose(port));
    await daemon.start();
    const up = await daemon.cli(["-n", ns, "up", "-d", "--wait-timeout", "200"], project.dir, 240_000);
    expect(up.code, up.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await daemon.cli(["down", "-p", name, "-n", ns, "--volumes"], project.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    project.remove();
  });

  it("up --wait exits 0 once ready (Compose's meaning); --dry-run applies nothing and says what is unchanged or new", async () => {
    const wait = await daemon.cli(["-n", ns, "up", "--wait", "--wait-timeout", "120"], project.dir, 150_000);
    expect(wait.code, wait.stderr).toBe(0);
    expect(wait.stdout).toContain(`${name}: all services ready`);
    const same = await daemon.cli(["-n", ns, "up", "--dry-run"], project.dir, 60_000);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain(`dry run: namespace ${ns}; nothing applied, nothing built`);
    expect(same.stdout).toMatch(/^unchanged Deployment\/web$/m);
    const other = `${name}-dry`;
    const fresh = await daemon.cli(["-n", other, "up", "--dry-run"], project.dir, 60_000);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(new RegExp(`^create {4}Namespace/${other}$`, "m"));
    expect(fresh.stdout).toMatch(/^create {4}Deployment\/web$/m);
    await expect(core.readNamespace({ name: other })).rejects.toThrow();
  }, 240_000);

  it("ps lists the service's pod, running, with its forwarded port; --format json one object a line", async () => {
    const table = await daemon.cli(["ps"], project.dir, 30_000);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+SERVICE\s+STATUS\s+PORTS/);
    expect(table.stdout).toContain(`127.0.0.1:${port}->3000/tcp`);
    const json = await daemon.cli(["-p", name, "ps", "--format", "json"], project.dir, 30_000);
    expect(json.code, json.stderr).toBe(0);
    const rows = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as { Name: string; Service: string; State: string; Namespace: string; Publishers: { PublishedPort: number; TargetPort: number }[] });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Service: "web", State: "running", Namespace: ns, Publishers: [{ PublishedPort: port, TargetPort: 3000 }] });
    expect(rows[0]?.Name).toMatch(/^web-/);
  }, 60_000);

  it("port prints the forwarded address, which answers; an unpublished port is a user error", async () => {
    const result = await daemon.cli(["port", "web", "3000"], project.dir, 30_000);
    expect(result).toMatchObject({ code: 0, stdout: `127.0.0.1:${port}\n` });
    const body = await (await fetch(`http://${result.stdout.trim()}/`)).text();
    expect(body).toBe("hello from web");
    const missing = await daemon.cli(["port", "web", "9999"], project.dir, 30_000);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("devloop: web publishes no port 9999; it publishes 3000\n");
  }, 60_000);

  it("exec runs in the service's container and exits with the command's code; -w and -e apply", async () => {
    const env = await daemon.cli(["exec", "web", "node", "-e", "console.log(process.env.GREETING)"], project.dir, 60_000);
    expect(env, env.stderr).toMatchObject({ code: 0, stdout: "hello\n" });
    const failing = await daemon.cli(["exec", "web", "sh", "-c", "echo oops >&2; exit 3"], project.dir, 60_000);
    expect(failing.code).toBe(3);
    expect(failing.stderr).toContain("oops");
    const wd = await daemon.cli(["exec", "-w", "/tmp", "-e", "X=one two", "web", "sh", "-c", 'echo "$PWD $X"'], project.dir, 60_000);
    expect(wd, wd.stderr).toMatchObject({ code: 0, stdout: "/tmp one two\n" });
    const unknown = await daemon.cli(["exec", "nope", "true"], project.dir, 30_000);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no service "nope"');
  }, 120_000);

  it("exec gives a TTY when stdin is a terminal (under script(1)), -T none; -u runs as that user", async () => {
    const line = (args: string): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn("script", ["-qec", `${process.execPath} ${bin} ${args}`, "/dev/null"], { cwd: project.dir, env: daemon.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr: "" });
        });
      });
    const tty = await line(`exec web sh -c "if [ -t 0 ] && [ -t 1 ]; then echo is-a-tty; else echo no-tty; fi"`);
    expect(tty.stdout).toContain("is-a-tty");
    const notty = await line(`exec -T web sh -c "if [ -t 1 ]; then echo is-a-tty; else echo no-tty; fi"`);
    expect(notty.stdout).toContain("no-tty");
    const user = await daemon.cli(["exec", "-u", "nobody", "web", "id", "-un"], project.dir, 60_000);
    expect(user, user.stderr).toMatchObject({ code: 0, stdout: "nobody\n" });
  }, 120_000);

  it("global --context and --kubeconfig reach exec: an unknown context is named, the bed's kubeconfig by flag works", async () => {
    const unknown = await daemon.cli(["--context", "no-such-context", "exec", "web", "true"], project.dir, 60_000);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^devloop: kube context "no-such-context" not found; have: /);
    const kubeconfig = daemon.env["KUBECONFIG"] ?? "";
    const byFlag = await daemon.cli(["--kubeconfig", kubeconfig, "-p", name, "exec", "web", "echo", "ok"], project.dir, 60_000);
    expect(byFlag, byFlag.stderr).toMatchObject({ code: 0, stdout: "ok\n" });
  }, 120_000);

  it("exec -T passes piped stdin whole and ends it", async () => {
    const result = await cliWithStdin(["exec", "-T", "web", "sh", "-c", "wc -c; cat > /tmp/in.txt"], "abc\ndef\n");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("8");
  }, 60_000);

  it("run starts a one-off pod with the service's image, env and volume, exits with its code, and removes it", async () => {
    await daemon.cli(["exec", "web", "sh", "-c", "echo kept > /data/mark"], project.dir, 60_000);
    const result = await daemon.cli(["run", "-e", "EXTRA=1", "web", "node", "-e", "console.log(process.env.GREETING, process.env.EXTRA, require('fs').readFileSync('/data/mark', 'utf8').trim()); process.exit(5)"], project.dir, 180_000);
    expect(result.stdout, result.stderr).toBe("hello 1 kept\n");
    expect(result.code).toBe(5);
    // Removed afterwards (--rm semantics), and never one of web's pods.
    for (let i = 0; i < 40; i++) {
      const left = await core.listNamespacedPod({ namespace: ns, labelSelector: "devloop.dev/run" });
      if (left.items.filter((p) => p.metadata?.deletionTimestamp === undefined).length === 0) break;
      await sleep(500);
    }
    const left = await core.listNamespacedPod({ namespace: ns, labelSelector: "devloop.dev/run" });
    expect(left.items.filter((p) => p.metadata?.deletionTimestamp === undefined)).toEqual([]);
    const web = await daemon.project(name);
    expect(web?.services.find((s) => s.name === "web")?.pods).toHaveLength(1);
  }, 240_000);

  it("logs --tail, --no-log-prefix and --timestamps shape the lines; --since takes a compose duration", async () => {
    const plain = await daemon.cli(["logs", "--tail", "1", "--no-log-prefix", "web"], project.dir, 30_000);
    expect(plain, plain.stderr).toMatchObject({ code: 0, stdout: "web starting\n" });
    const stamped = await daemon.cli(["logs", "--since", "1h30m", "-t", "web"], project.dir, 30_000);
    expect(stamped.code, stamped.stderr).toBe(0);
    expect(stamped.stdout).toMatch(/^web\s+\| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.\d]*Z web starting$/m);
    const bad = await daemon.cli(["logs", "--since", "ten minutes", "web"], project.dir, 30_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--since expects a duration like 1m30s");
  }, 90_000);

  it("up -t/--timeout is Compose's shutdown timeout: the pods it rolls out get it as their grace period; a bad value is a user error", async () => {
    const bad = await daemon.cli(["-n", ns, "up", "-d", "--timeout=soon"], project.dir, 30_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("the wait for ready is bounded by --wait-timeout");
    const up = await daemon.cli(["-n", ns, "up", "-d", "-t", "3", "--wait-timeout", "150"], project.dir, 170_000);
    expect(up.code, up.stderr).toBe(0);
    const web = await apps.readNamespacedDeployment({ name: "web", namespace: ns });
    expect(web.spec?.template.spec?.terminationGracePeriodSeconds).toBe(3);
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: "devloop.dev/service=web" });
    expect(pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined).map((p) => p.spec?.terminationGracePeriodSeconds)).toContain(3);
  });
});
