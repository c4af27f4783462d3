// BuildKit builds on the real Docker engine through the CLI devloop finds (Debian's docker.io 20.10 with
// DOCKER_BUILDKIT=1 on the bed): a cache mount reused by the second build, a build secret that never reaches the
// image, its history, `docker save` or the build log, an ssh mount fed by a test agent, additional_contexts, a
// multi-stage target, and heredocs (COPY and RUN; 20.10's built-in frontend has none: devloop translates them).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDockerodeImageBuilder } from "../../src/adapters/dockerode-image-builder.js";
import type { ImageBuildRequest } from "../../src/ports/image-builder.js";
import { bedImages, runInImage } from "./helpers/index.js";

const run = promisify(execFile);
const suffix = randomBytes(3).toString("hex");
const docker = new Docker();
const builder = createDockerodeImageBuilder({ docker });
const SECRET = `s3cr3t-${randomBytes(8).toString("hex")}`;


describe("BuildKit builds on the real Docker engine", () => {
  let root = "";
  const created = new Set<string>();
  const request = (service: string, dockerfileInline: string, extra: Partial<ImageBuildRequest> = {}): ImageBuildRequest => ({
    service,
    image: `dlbk${suffix}-${service}:devloop`,
    context: path.join(root, "ctx"),
    dockerfile: "Dockerfile",
    dockerfileInline,
    args: {},
    ...extra,
  });
  const build = async (req: ImageBuildRequest): Promise<{ tag: string; skipped: boolean; lines: string[] }> => {
    const lines: string[] = [];
    created.add(req.image);
    const result = await builder.build(req, (l) => lines.push(l));
    created.add(result.tag);
    return { tag: result.tag, skipped: result.skipped, lines };
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "devloop-buildkit-it-"));
    await mkdir(path.join(root, "ctx"));
    await mkdir(path.join(root, "shared"));
    await writeFile(path.join(root, "ctx/app.txt"), "app\n");
    await writeFile(path.join(root, "shared/lib.txt"), "from the shared context\n");
    await writeFile(path.join(root, "secret.txt"), SECRET);
  });

  afterAll(async () => {
    for (const ref of created) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    // And the images devloop built on the side: additional contexts' and heredoc files' (<repo>-context-*, <repo>-heredocs).
    const side = await docker.listImages({ filters: JSON.stringify({ reference: [`dlbk${suffix}-*`] }) });
    for (const image of side) for (const ref of image.RepoTags ?? []) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it("a cache mount survives between builds: the second build finds what the first left", async () => {
    const stamp = randomBytes(4).toString("hex");
    const dockerfile = (n: number) => `FROM ${bedImages().runtime}\nRUN --mount=type=cache,id=dlbk-${stamp},target=/cache sh -c 'echo run${n} >> /cache/runs; cat /cache/runs > /runs'\n`;
    const first = await build(request("cache", dockerfile(1)));
    const second = await build(request("cache", dockerfile(2)));
    expect(first.skipped || second.skipped).toBe(false);
    expect((await runInImage(second.tag, ["cat", "/runs"])).trim().split(/\r?\n/)).toEqual(["run1", "run2"]);
  });

  it("a build secret (file and environment) is readable in its RUN step only: not in the image, its history, docker save or the log", async () => {
    process.env["DLBK_SECRET"] = SECRET;
    const dockerfile = `FROM ${bedImages().runtime}\nRUN --mount=type=secret,id=token --mount=type=secret,id=envtoken sh -c 'test "$(cat /run/secrets/token)" = "$(cat /run/secrets/envtoken)" && wc -c < /run/secrets/token > /secret-length && cat /run/secrets/token' # ${suffix}\n`;
    const { tag, lines } = await build(request("secret", dockerfile, { secrets: [{ id: "token", file: path.join(root, "secret.txt") }, { id: "envtoken", environment: "DLBK_SECRET" }] }));
    // (Output printed with a prefix: a bare number would be parsed as JSON by dockerode's logs.)
    expect((await runInImage(tag, ["sh", "-c", "echo len=$(cat /secret-length)"])).trim()).toBe(`len=${SECRET.length}`);
    // The step printed it; the log shows it masked.
    expect(lines.join("\n")).not.toContain(SECRET);
    expect(lines.some((l) => l.includes("****"))).toBe(true);
    const { stdout: history } = await run("docker", ["history", "--no-trunc", tag], { maxBuffer: 16 * 1024 * 1024 });
    expect(history).not.toContain(SECRET);
    const saved = path.join(root, "saved.tar");
    await run("docker", ["save", "-o", saved, tag]);
    expect((await readFile(saved)).includes(Buffer.from(SECRET))).toBe(false);
    delete process.env["DLBK_SECRET"];
  });

  it("an ssh mount is fed by the agent (ssh: default)", async () => {
    const agentDir = await mkdtemp(path.join(tmpdir(), "devloop-ssh-"));
    const sock = path.join(agentDir, "agent.sock");
    const { stdout } = await run("ssh-agent", ["-a", sock, "-s"]);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1];
    try {
      await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `devloop-test-${suffix}`, "-f", path.join(agentDir, "id")]);
      await run("ssh-add", [path.join(agentDir, "id")], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const previous = process.env["SSH_AUTH_SOCK"];
      process.env["SSH_AUTH_SOCK"] = sock;
      try {
        // The runtime image has no ssh client: the step checks the forwarded socket exists and is a socket.
        const ssh = await build(request("ssh", `FROM ${bedImages().runtime}\nRUN --mount=type=ssh sh -c 'test -S "$SSH_AUTH_SOCK" && echo agent-forwarded > /ssh'\n`, { ssh: ["default"] }));
        expect((await runInImage(ssh.tag, ["cat", "/ssh"])).trim()).toBe("agent-forwarded");
      } finally {
        if (previous === undefined) delete process.env["SSH_AUTH_SOCK"];
        else process.env["SSH_AUTH_SOCK"] = previous;
      }
    } finally {
      if (pid !== undefined) process.kill(Number(pid));
      await rm(agentDir, { recursive: true, force: true });
    }
  });

  it("additional_contexts: COPY --from=<name> takes files from the named directory; its content is in the tag", async () => {
    const req = request("contexts", `FROM ${bedImages().runtime}\nCOPY --from=shared lib.txt /lib.txt\nCOPY app.txt /app.txt\n`, { additionalContexts: { shared: path.join(root, "shared") } });
    const first = await build(req);
    expect((await runInImage(first.tag, ["cat", "/lib.txt"])).trim()).toBe("from the shared context");
    expect((await build(req)).skipped).toBe(true);
    await writeFile(path.join(root, "shared/lib.txt"), "changed\n");
    const changed = await build(req);
    expect(changed.tag).not.toBe(first.tag);
    expect((await runInImage(changed.tag, ["cat", "/lib.txt"])).trim()).toBe("changed");
  });

  it("a multi-stage build stops at its target", async () => {
    const dockerfile = `FROM ${bedImages().runtime} AS base\nRUN echo base > /stage\nFROM base AS dev\nRUN echo dev > /stage\nFROM base AS prod\nRUN echo prod > /stage\n`;
    const dev = await build(request("target", dockerfile, { target: "dev" }));
    expect((await runInImage(dev.tag, ["cat", "/stage"])).trim()).toBe("dev");
    expect(dev.lines.some((l) => l.includes("echo prod"))).toBe(false);
  });

  it("heredocs: COPY <<EOF files and RUN <<EOF scripts are in the running image (translated for 20.10's frontend)", async () => {
    const dockerfile = (greeting: string) =>
      [
        "# syntax=docker/dockerfile:1.4",
        `FROM ${bedImages().runtime} AS base`,
        `ARG GREETING=${greeting}`,
        "ENV WHO=world",
        "COPY --chmod=0640 <<EOF /etc/greeting.txt",
        "$GREETING ${WHO}!",
        "EOF",
        'COPY <<"RAW" <<-TABS app.txt /files/',
        "literal $WHO",
        "RAW",
        "\ttabbed $WHO",
        "\tTABS",
        "RUN <<EOF",
        'echo "run: $GREETING" > /run.txt',
        "test -f /files/RAW",
        "EOF",
        "RUN <<EOF",
        "#!/usr/bin/bash",
        'echo "bash ${BASH_VERSINFO[0]} $0" > /shebang.txt',
        "EOF",
        "RUN cat <<'EOF' > /cat.txt && echo after >> /cat.txt",
        "cat: $WHO",
        "EOF",
        "",
      ].join("\n");
    const first = await build(request("heredoc", dockerfile("hello"), { args: { GREETING: "hi" } }));
    const show = ["/etc/greeting.txt", "/files/RAW", "/files/TABS", "/files/app.txt", "/run.txt", "/shebang.txt", "/cat.txt"].map((f) => `echo "== ${f} $(stat -c %a ${f})"; cat ${f}`).join("; ");
    expect((await runInImage(first.tag, ["sh", "-c", show])).replace(/\r\n/g, "\n")).toBe(
      [
        "== /etc/greeting.txt 640",
        "hi world!",
        "== /files/RAW 664",
        "literal $WHO",
        "== /files/TABS 664",
        "tabbed world",
        "== /files/app.txt 644",
        "app",
        "== /run.txt 644",
        "run: hi",
        "== /shebang.txt 644",
        "bash 5 /dev/pipes/EOF",
        "== /cat.txt 644",
        "cat: $WHO",
        "after",
        "",
      ].join("\n"),
    );
    // Offline (the bed), docker/dockerfile:1.4 cannot be pulled: the engine's frontend builds the rewritten Dockerfile.
    if (first.lines.some((l) => l.includes("cannot be pulled"))) expect(first.lines.some((l) => /^heredocs: 5 instruction\(s\) rewritten/.test(l))).toBe(true);
    expect((await build(request("heredoc", dockerfile("hello"), { args: { GREETING: "hi" } }))).skipped).toBe(true);
    // The heredoc's content is in the tag: a changed default is a new image (the build arg still wins).
    const changed = await build(request("heredoc", dockerfile("hey"), { args: {} }));
    expect(changed.tag).not.toBe(first.tag);
    expect((await runInImage(changed.tag, ["cat", "/etc/greeting.txt"])).trim()).toBe("hey world!");
  });

  it("an unterminated heredoc fails before the build, at its line", async () => {
    const error = await build(request("heredoc-bad", `FROM ${bedImages().runtime}\nCOPY <<EOF /hello.txt\nhello\n`)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^build of heredoc-bad: services\.heredoc-bad\.build\.dockerfile_inline:2:1: COPY <<EOF: unterminated heredoc/);
  });
});
