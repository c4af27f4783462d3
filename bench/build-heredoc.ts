/**
 * Issue 11, heredocs: what devloop's rewrite of Dockerfile heredocs (build/dockerfile-heredocs.ts, for Docker 20.10's
 * frontend) costs a rebuild. Each round changes one line of a COPY heredoc, so the heredoc-files image and the service
 * image both rebuild; the baselines build the same files the way one writes them without heredocs (the file in the
 * context, COPY it, RUN the commands on one line), once with devloop's ImageBuilder and once with
 * `DOCKER_BUILDKIT=1 docker build`, alternating in the same run; plus a round where only a context file changes (the
 * heredoc image is reused: the usual edit) and the no-change skip. Docker engine only.
 * Run: `npm run bench -- build-heredoc`.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { createDockerCliBuildRunner } from "../daemon/src/adapters/docker-cli-build-runner.js";
import { createDockerodeImageBuilder } from "../daemon/src/adapters/dockerode-image-builder.js";
import { buildKitEnvironment } from "../daemon/src/build/buildkit-command.js";

const run = promisify(execFile);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export const benchBuildHeredoc = async (rounds = 5): Promise<string> => {
  const image = process.env["RUNTIME_IMAGE"]?.startsWith("devloop/") ? process.env["RUNTIME_IMAGE"] : "devloop/runtime:bookworm";
  const root = await mkdtemp(path.join(tmpdir(), "devloop-bench-heredoc-"));
  const docker = new Docker();
  const builder = createDockerodeImageBuilder({ docker });
  const cli = await createDockerCliBuildRunner().cli();
  const suffix = Math.random().toString(16).slice(2, 8);
  try {
    const heredocCtx = path.join(root, "heredoc");
    const plainCtx = path.join(root, "plain");
    await mkdir(heredocCtx);
    await mkdir(plainCtx);
    const conf = (n: number): string => `name=bench\nround=${n}\n`;
    const heredocDockerfile = (n: number): string =>
      `FROM ${image}\nCOPY <<EOF /etc/app.conf\n${conf(n)}EOF\nRUN <<EOF\nset -e\ncat /etc/app.conf > /built.txt\necho done >> /built.txt\nEOF\nCOPY app.txt /app.txt\n`;
    const plainDockerfile = `FROM ${image}\nCOPY app.conf /etc/app.conf\nRUN set -e; cat /etc/app.conf > /built.txt; echo done >> /built.txt\nCOPY app.txt /app.txt\n`;
    await writeFile(path.join(plainCtx, "Dockerfile"), plainDockerfile);
    await writeFile(path.join(plainCtx, "app.txt"), "0\n");
    await writeFile(path.join(heredocCtx, "app.txt"), "0\n");
    const heredoc = (n: number) => ({ service: "bench", image: `dlbench${suffix}-heredoc:devloop`, context: heredocCtx, dockerfile: "Dockerfile", dockerfileInline: heredocDockerfile(n), args: {} });
    const plain = { service: "bench", image: `dlbench${suffix}-plain:devloop`, context: plainCtx, dockerfile: "Dockerfile", args: {} };
    const dockerTag = `dlbench${suffix}-docker:latest`;
    const dockerBuild = () => run(cli.docker, [...(cli.kind === "buildx" ? ["buildx", "build", "--load"] : ["build"]), "--progress=plain", "-t", dockerTag, plainCtx], { env: { ...process.env, ...buildKitEnvironment(cli) }, maxBuffer: 16 * 1024 * 1024 });
    // Warm: the base image's layers for all three.
    await builder.build(heredoc(0), () => undefined);
    await writeFile(path.join(plainCtx, "app.conf"), conf(0));
    await builder.build(plain, () => undefined);
    await dockerBuild();
    const times = { heredoc: [] as number[], context: [] as number[], plain: [] as number[], docker: [] as number[], skip: [] as number[] };
    for (let i = 1; i <= rounds; i++) {
      let t = performance.now();
      await builder.build(heredoc(3 * i), () => undefined);
      times.heredoc.push(performance.now() - t);
      t = performance.now();
      if (!(await builder.build(heredoc(3 * i), () => undefined)).skipped) throw new Error("the unchanged heredoc rebuild was not skipped");
      times.skip.push(performance.now() - t);
      await writeFile(path.join(heredocCtx, "app.txt"), `${i}\n`);
      t = performance.now();
      await builder.build(heredoc(3 * i), () => undefined);
      times.context.push(performance.now() - t);
      await writeFile(path.join(plainCtx, "app.conf"), conf(3 * i + 1));
      t = performance.now();
      await builder.build(plain, () => undefined);
      times.plain.push(performance.now() - t);
      await writeFile(path.join(plainCtx, "app.conf"), conf(3 * i + 2));
      t = performance.now();
      await dockerBuild();
      times.docker.push(performance.now() - t);
    }
    const h = median(times.heredoc);
    const p = median(times.plain);
    const d = median(times.docker);
    return [
      `builder: ${cli.docker} ${cli.version} (${cli.kind}); ${rounds} rounds, medians`,
      "",
      "| measure | ms |",
      "| --- | --- |",
      `| devloop rebuild, heredoc Dockerfile (COPY <<EOF + RUN <<EOF), one heredoc line changed: heredoc image + service image | ${h.toFixed(0)} |`,
      `| devloop rebuild, heredoc Dockerfile, only a context file changed (heredoc image reused) | ${median(times.context).toFixed(0)} |`,
      `| devloop rebuild, the same without heredocs (COPY app.conf, RUN on one line), app.conf changed | ${p.toFixed(0)} |`,
      `| DOCKER_BUILDKIT=1 docker build, the same without heredocs, app.conf changed | ${d.toFixed(0)} |`,
      `| ratio heredoc / devloop without heredocs | ${(h / p).toFixed(2)}× |`,
      `| ratio heredoc / docker build without heredocs | ${(h / d).toFixed(2)}× |`,
      `| ratio heredoc, context file changed / docker build without heredocs | ${(median(times.context) / d).toFixed(2)}× |`,
      `| no-change rebuild of the heredoc Dockerfile (skipped) | ${median(times.skip).toFixed(0)} |`,
    ].join("\n");
  } finally {
    const images = await docker.listImages({ filters: JSON.stringify({ reference: [`dlbench${suffix}-*`] }) });
    for (const found of images) for (const ref of found.RepoTags ?? []) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  benchBuildHeredoc().then(
    (report) => process.stdout.write(`${report}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
