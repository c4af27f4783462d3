import { describe, expect, it } from "vitest";
import type { PublicProject, PublicService } from "../../../daemon/src/api/types.js";
import { UserError } from "../user-error.js";
import { bashScript, completionSpec, fishScript, zshScript } from "./completion.js";
import { containerFor, parseEnvFlags, shellQuote, wrapCommand } from "./exec.js";
import { parseSince, parseTail } from "./logs.js";
import { forwardedAddress } from "./port.js";
import { psRows, psTable } from "./ps.js";
import { formatVersion } from "./version.js";
import { Command } from "commander";

const service = (over: Partial<PublicService> = {}): PublicService => ({ name: "web", phase: "ready", waitingFor: [], pods: ["web-abc"], restarts: 0, ports: [{ service: "web", local: 8080, remote: 3000, status: "active" }], ...over });
const project = (services: PublicService[]): PublicProject => ({ name: "shop", namespace: "shop-me", status: "active", composeFiles: [], diagnostics: [], warnings: [], previousNamespaces: [], services, settled: true, changes: [] });

describe("ps", () => {
  it("one row per pod, shaped like docker compose ps --format json", () => {
    const rows = psRows(project([service(), service({ name: "db", pods: [], phase: "waiting", ports: [] })]), [], false);
    expect(rows).toEqual([{ Name: "web-abc", Service: "web", Project: "shop", Namespace: "shop-me", State: "running", Health: "", Status: "ready", ExitCode: 0, Publishers: [{ URL: "127.0.0.1", TargetPort: 3000, PublishedPort: 8080, Protocol: "tcp" }] }]);
    expect(psRows(project([service({ name: "db", pods: [], phase: "waiting", ports: [] })]), [], true)[0]).toMatchObject({ Name: "", Service: "db", State: "created" });
  });

  it("a failed service is exited with its exit code; the table shows ports as Compose does", () => {
    const failed = service({ phase: "failed", message: "exit 3", failure: { pod: "web-abc", container: "web", reason: "Error", exitCode: 3, restarts: 2, reported: true, logTail: [], events: [] } });
    const rows = psRows(project([failed]), ["web"], false);
    expect(rows[0]).toMatchObject({ State: "exited", ExitCode: 3, Status: "failed: exit 3" });
    expect(psTable(rows)).toBe("NAME     SERVICE  STATUS          PORTS\nweb-abc  web      failed: exit 3  127.0.0.1:8080->3000/tcp");
  });

  it("an unknown service is a user error naming the ones there are", () => {
    expect(() => psRows(project([service()]), ["nope"], false)).toThrow(new UserError('no service "nope" in project shop; it has: web'));
  });
});

describe("port", () => {
  it("prints the local address of a forwarded port, 3000 or 3000/tcp", () => {
    expect(forwardedAddress(service(), "3000")).toBe("127.0.0.1:8080");
    expect(forwardedAddress(service(), "3000/tcp")).toBe("127.0.0.1:8080");
  });

  it("says what is published instead, refuses udp and bad numbers, and a forward not listening yet", () => {
    expect(() => forwardedAddress(service(), "80")).toThrow("web publishes no port 80; it publishes 3000");
    expect(() => forwardedAddress(service({ ports: [] }), "80")).toThrow("web publishes no port 80 (it has no ports:)");
    expect(() => forwardedAddress(service(), "3000/udp")).toThrow("only tcp ports are forwarded; got udp");
    expect(() => forwardedAddress(service(), "x")).toThrow('the private port must be a number from 1 to 65535; got "x"');
    expect(() => forwardedAddress(service({ ports: [{ service: "web", local: 0, remote: 3000, status: "pending", ephemeral: true }] }), "3000")).toThrow("has no local port yet");
  });
});

describe("exec", () => {
  it("wraps -e with env, -w with cd, piped stdin with head -c, -u with su", () => {
    expect(wrapCommand(["ls"], {})).toEqual(["ls"]);
    expect(wrapCommand(["ls"], { env: ["A=1"] })).toEqual(["env", "A=1", "ls"]);
    expect(wrapCommand(["ls", "-l"], { workdir: "/app" })).toEqual(["sh", "-c", 'cd "$1" && shift && exec "$@"', "sh", "/app", "ls", "-l"]);
    expect(wrapCommand(["cat"], { stdinLength: 8 })).toEqual(["sh", "-c", 'head -c 8 | "$@"', "sh", "cat"]);
    expect(wrapCommand(["echo", "it's"], { user: "node" })).toEqual(["su", "-s", "/bin/sh", "node", "-c", `echo 'it'"'"'s'`]);
  });

  it("quotes for sh only what needs it", () => {
    expect(shellQuote("a-b/c.d")).toBe("a-b/c.d");
    expect(shellQuote("a b")).toBe("'a b'");
  });

  it("-e KEY takes the value from the local environment, as Compose; a missing one is left out", () => {
    expect(parseEnvFlags(["A=1", "HOME", "UNSET"], { HOME: "/h" })).toEqual(["A=1", "HOME=/h"]);
    expect(() => parseEnvFlags(["=x"], {})).toThrow('-e expects KEY=VALUE; got "=x"');
  });

  it("finds the service's container: a sidecar's own, one named after it, else the first", () => {
    expect(containerFor("log", { labels: { "sidecar.devloop.dev/log": "log" }, containers: ["web", "log"] })).toBe("log");
    expect(containerFor("web", { labels: {}, containers: ["proxy", "web"] })).toBe("web");
    expect(containerFor("my_app", { labels: {}, containers: ["my-app"] })).toBe("my-app");
  });
});

describe("logs", () => {
  it("--since takes compose durations as the loader parses them, and RFC 3339 times", () => {
    expect(parseSince("1m30s")).toBe(90);
    expect(parseSince("2h")).toBe(7200);
    expect(parseSince("500ms")).toBe(1);
    expect(parseSince("2024-05-01T10:00:00Z", Date.parse("2024-05-01T10:05:00Z"))).toBe(300);
    expect(() => parseSince("5 minutes")).toThrow('--since expects a duration like 1m30s, 5m or 2h, or a time like 2024-05-01T10:00:00Z; got "5 minutes"');
  });

  it("--tail is a number or all", () => {
    expect(parseTail("20")).toBe(20);
    expect(parseTail("all")).toBeUndefined();
    expect(() => parseTail("ten")).toThrow('--tail expects a number of lines or all; got "ten"');
  });
});

describe("version", () => {
  it("pretty and json", () => {
    expect(formatVersion({ version: "0.1.0", node: "20.1.0" }, "pretty")).toBe("devloop version 0.1.0 (node 20.1.0)\ndaemon: not running\n");
    expect(JSON.parse(formatVersion({ version: "0.1.0", node: "20.1.0", daemon: { version: "0.1.0", pid: 7 } }, "json"))).toEqual({ version: "0.1.0", node: "20.1.0", daemon: { version: "0.1.0", pid: 7 } });
  });
});

describe("completion", () => {
  const program = new Command("devloop").option("-f, --file <f>").option("-n, --namespace <ns>");
  program.command("up").description("run `it`").option("-d, --detach");
  program.command("ns").description("namespaces");
  program.command("__complete", { hidden: true });
  const spec = completionSpec(program);

  it("is generated from the commands: globals, each command's flags, services where they are arguments", () => {
    expect(spec.globals).toEqual(["-f", "--file", "-n", "--namespace"]);
    expect(spec.commands).toEqual([
      { name: "up", description: "run it", flags: ["-d", "--detach"], services: true },
      { name: "ns", description: "namespaces", flags: [], services: false },
    ]);
  });

  it("bash, zsh and fish complete service names and namespaces through devloop __complete", () => {
    for (const script of [bashScript(spec), zshScript(spec), fishScript(spec)]) {
      expect(script).toContain("devloop __complete services");
      expect(script).toContain("devloop __complete namespaces");
      expect(script).toMatch(/--detach|-l detach/);
    }
    expect(bashScript(spec)).toContain("complete -o default -F _devloop devloop");
    expect(zshScript(spec)).toMatch(/^#compdef devloop/);
    expect(fishScript(spec)).toContain("complete -c devloop -n \"__fish_seen_subcommand_from up\" -s d");
  });
});
