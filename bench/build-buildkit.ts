/**
 * Issue 11's build benchmark: a Node service whose Dockerfile runs `npm ci` behind a BuildKit cache mount, rebuilt
 * after a one-line change to package.json. devloop's ImageBuilder (scan + content-hash tag + BuildKit through the CLI
 * + tag + inspect) against `DOCKER_BUILDKIT=1 docker build` of the same context, alternating in the same run, plus
 * the no-change skip. The dependency is a local tarball (`file:`): the bed's build containers cannot reach the npm
 * registry. Needs the Docker engine and the bed's NODE_IMAGE. Run: `npx tsx bench/build-buildkit.ts`.
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

export const benchBuildKit = async (rounds = 5): Promise<string> => {
  const nodeImage = process.env["NODE_IMAGE"] ?? "devloop/node:18-bookworm";
  const root = await mkdtemp(path.join(tmpdir(), "devloop-bench-build-"));
  const docker = new Docker();
  const builder = createDockerodeImageBuilder({ docker });
  const cli = await createDockerCliBuildRunner().cli();
  const created = new Set<string>();
  try {
    await mkdir(path.join(root, "dep"));
    await writeFile(path.join(root, "dep/package.json"), JSON.stringify({ name: "bench-dep", version: "1.0.0", main: "index.js" }));
    await writeFile(path.join(root, "dep/index.js"), "module.exports = 42;\n");
    const ctx = path.join(root, "ctx");
    await mkdir(ctx);
    await run("npm", ["pack", "--silent", "--pack-destination", ctx], { cwd: path.join(root, "dep") });
    const pkg = (n: number): string => JSON.stringify({ name: "bench-app", version: "1.0.0", description: `round ${n}`, dependencies: { "bench-dep": "file:bench-dep-1.0.0.tgz" } }, null, 2);
    await writeFile(path.join(ctx, "package.json"), pkg(0));
    await run("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], { cwd: ctx });
    await writeFile(path.join(ctx, "index.js"), "console.log(require('bench-dep'));\n");
    await writeFile(path.join(ctx, ".dockerignore"), "node_modules\n");
    await writeFile(
      path.join(ctx, "Dockerfile"),
      `FROM ${nodeImage}\nWORKDIR /app\nCOPY package.json package-lock.json bench-dep-1.0.0.tgz ./\nRUN --mount=type=cache,target=/root/.npm npm ci --offline --no-audit --no-fund\nCOPY . .\nCMD ["node", "index.js"]\n`,
    );
    const request = { service: "bench", image: "dlbench-build:devloop", context: ctx, dockerfile: "Dockerfile", args: {} };
    created.add(request.image).add("dlbench-build:docker");
    // Warm both: base image layers, the npm cache mount.
    created.add((await builder.build(request, () => undefined)).tag);
    await run(cli.docker, [...(cli.kind === "buildx" ? ["buildx", "build", "--load"] : ["build"]), "-q", "-t", "dlbench-build:docker", ctx], { env: { ...process.env, ...buildKitEnvironment(cli) } });
    const devloop: number[] = [];
    const plain: number[] = [];
    const skip: number[] = [];
    for (let i = 1; i <= rounds; i++) {
      await writeFile(path.join(ctx, "package.json"), pkg(2 * i - 1));
      let t = performance.now();
      const built = await builder.build(request, () => undefined);
      devloop.push(performance.now() - t);
      created.add(built.tag);
      t = performance.now();
      const again = await builder.build(request, () => undefined);
      skip.push(performance.now() - t);
      if (!again.skipped) throw new Error("the unchanged rebuild was not skipped");
      await writeFile(path.join(ctx, "package.json"), pkg(2 * i));
      t = performance.now();
      await run(cli.docker, [...(cli.kind === "buildx" ? ["buildx", "build", "--load"] : ["build"]), "--progress=plain", "-t", "dlbench-build:docker", ctx], { env: { ...process.env, ...buildKitEnvironment(cli) }, maxBuffer: 16 * 1024 * 1024 });
      plain.push(performance.now() - t);
    }
    const d = median(devloop);
    const p = median(plain);
    return [
      `builder: ${cli.docker} ${cli.version} (${cli.kind}); ${rounds} rounds, medians`,
      "",
      "| measure | ms |",
      "| --- | --- |",
      `| devloop rebuild after a one-line package.json change (npm ci behind a cache mount) | ${d.toFixed(0)} |`,
      `| DOCKER_BUILDKIT=1 docker build of the same context, same change | ${p.toFixed(0)} |`,
      `| ratio devloop / docker build | ${(d / p).toFixed(2)}× |`,
      `| no-change rebuild (content-hash tag exists: skipped) | ${median(skip).toFixed(0)} |`,
    ].join("\n");
  } finally {
    for (const ref of created) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
};

if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  benchBuildKit().then(
    (report) => process.stdout.write(`${report}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
