/**
 * Runs BuildKit builds through the Docker CLI (the adapter around child_process; the argv is
 * build/buildkit-command.ts, the progress reader build/buildkit-progress.ts).
 *
 * Finding a capable CLI (first that fits wins): $DEVLOOP_DOCKER, then every `docker` on PATH in order, then
 * /usr/bin/docker (Debian's docker.io). A CLI with the buildx plugin builds with `docker buildx build --load`; a CLI
 * older than 23 (Debian's docker.io 20.10) builds with `docker build` and DOCKER_BUILDKIT=1; a newer CLI without
 * buildx cannot ("BuildKit is enabled but the buildx component is missing") and is skipped. The CLI is pointed at the
 * engine devloop's dockerode talks to (DOCKER_HOST), so images land where the content-hash check looks.
 */
import { execFile, spawn } from "node:child_process";
import { access, chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildKitArgv, buildKitEnvironment } from "../build/buildkit-command.js";
import type { BuildKitCli, SecretFile } from "../build/buildkit-command.js";
import { createBuildKitProgressReader } from "../build/buildkit-progress.js";
import type { BuildProgress } from "../build/buildkit-progress.js";
import type { BuildSecretSource, ImageBuildRequest } from "../ports/image-builder.js";

export interface BuildRun {
  readonly request: ImageBuildRequest;
  readonly tag: string;
  /** Context-relative Dockerfile (ignored when `dockerfileText` is given). */
  readonly dockerfile: string;
  /** Dockerfile text sent on stdin (dockerfile_inline, or a Dockerfile with named contexts rewritten). */
  readonly dockerfileText?: string;
  /** Named contexts for `--build-context` (buildx CLIs). */
  readonly buildContexts?: Readonly<Record<string, string>>;
  readonly onLine: (line: string) => void;
  readonly onProgress?: (progress: BuildProgress) => void;
  /** The environment of the `up` that asked for the build: environment-sourced secrets are read here first. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

export interface BuildRunner {
  /** The CLI builds run with (found once, on first use); rejects with the fix when there is none. */
  cli(): Promise<BuildKitCli>;
  /** Builds; rejects with the failing step and its output. */
  run(build: BuildRun): Promise<void>;
}

interface Exec {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const exec = (file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Exec> =>
  new Promise((resolve) => {
    execFile(file, args, { env, timeout: 15_000, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 127;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });

const executable = async (file: string): Promise<boolean> => {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const NO_BUILDKIT_FIX =
  "install Debian's docker.io CLI (apt-get install docker.io: its docker 20.10 builds with BuildKit when DOCKER_BUILDKIT=1; scripts/local-cluster installs it), or the buildx plugin for a newer CLI (apt-get install docker-buildx-plugin, https://docs.docker.com/go/buildx/), or set DEVLOOP_DOCKER to a docker CLI that has one";

/** Finds a docker CLI that builds with BuildKit, or explains why none does. */
export const findBuildKitCli = async (env: NodeJS.ProcessEnv): Promise<BuildKitCli> => {
  const candidates = [env["DEVLOOP_DOCKER"], ...(env["PATH"] ?? "").split(path.delimiter).filter((d) => d !== "").map((d) => path.join(d, "docker")), "/usr/bin/docker"];
  const seen = new Set<string>();
  const skipped: string[] = [];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === "" || seen.has(candidate)) continue;
    seen.add(candidate);
    if (!(await executable(candidate))) continue;
    const version = (await exec(candidate, ["version", "--format", "{{.Client.Version}}"], env)).stdout.trim().split("\n")[0] ?? "";
    const buildx = await exec(candidate, ["buildx", "version"], env);
    if (buildx.code === 0) return { docker: candidate, kind: "buildx", version };
    const major = Number.parseInt(version, 10);
    if (Number.isFinite(major) && major > 0 && major < 23) return { docker: candidate, kind: "legacy", version };
    skipped.push(`${candidate} ${version || "(version unknown)"} has no buildx plugin`);
  }
  const found = skipped.length === 0 ? "no docker CLI found on PATH" : skipped.join("; ");
  throw new Error(`no Docker CLI that builds with BuildKit (${found}): ${NO_BUILDKIT_FIX}`);
};

/** Reads secret sources into files the CLI takes; environment values go to a private temp file. */
export const secretFiles = async (service: string, secrets: readonly BuildSecretSource[], dir: () => Promise<string>, env: NodeJS.ProcessEnv, caller?: Readonly<Record<string, string | undefined>>): Promise<{ files: SecretFile[]; values: string[] }> => {
  const files: SecretFile[] = [];
  const values: string[] = [];
  for (const secret of secrets) {
    if (secret.file !== undefined) {
      try {
        values.push(await readFile(secret.file, "utf8"));
      } catch (error) {
        throw new Error(`build of ${service}: cannot read the file of build secret "${secret.id}" (${secret.file}): ${error instanceof Error ? error.message : String(error)}`);
      }
      files.push({ id: secret.id, file: secret.file });
    } else if (secret.environment !== undefined) {
      // The caller's environment (the shell that ran devloop up) first, as docker compose reads it; then the daemon's.
      const value = caller?.[secret.environment] ?? env[secret.environment];
      if (value === undefined) throw new Error(`build of ${service}: build secret "${secret.id}" reads the variable ${secret.environment}, which is set neither in the environment devloop up ran in nor in the daemon's (set it and run devloop up again)`);
      const file = path.join(await dir(), secret.id.replace(/[^A-Za-z0-9_.-]/g, "_"));
      await writeFile(file, value, { mode: 0o600 });
      values.push(value);
      files.push({ id: secret.id, file });
    } else throw new Error(`build of ${service}: build secret "${secret.id}" has neither file nor environment (top-level secrets.${secret.id})`);
  }
  return { files, values: values.map((v) => v.trim()).filter((v) => v.length >= 4) };
};

export interface DockerCliBuildRunnerOptions {
  /** The engine the CLI must talk to (dockerode's): e.g. "unix:///var/run/docker.sock". */
  readonly dockerHost?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export const createDockerCliBuildRunner = (options: DockerCliBuildRunnerOptions = {}): BuildRunner => {
  // Read at each build: SSH_AUTH_SOCK is the daemon's current one; environment secrets the caller's (BuildRun.environment), else the daemon's.
  const environment = (): NodeJS.ProcessEnv => ({ ...(options.env ?? process.env), ...(options.dockerHost === undefined ? {} : { DOCKER_HOST: options.dockerHost }) });
  let found: Promise<BuildKitCli> | undefined;
  const cli = (): Promise<BuildKitCli> => {
    found ??= findBuildKitCli(environment());
    found.catch(() => {
      found = undefined;
    });
    return found;
  };

  return {
    cli,
    async run(build) {
      const { request } = build;
      const docker = await cli();
      const env = environment();
      let tmp: string | undefined;
      const dir = async (): Promise<string> => {
        tmp ??= await mkdtemp(path.join(tmpdir(), "devloop-build-"));
        await chmod(tmp, 0o700);
        return tmp;
      };
      try {
        const { files, values } = await secretFiles(request.service, request.secrets ?? [], dir, env, build.environment);
        const mask = (line: string): string => values.reduce((out, v) => out.split(v).join("****"), line);
        const argv = buildKitArgv(docker, {
          request,
          tag: build.tag,
          dockerfile: build.dockerfile,
          inline: build.dockerfileText !== undefined,
          secrets: files,
          ...(build.buildContexts === undefined ? {} : { buildContexts: build.buildContexts }),
        });
        const reader = createBuildKitProgressReader();
        const stderrTail: string[] = [];
        const code = await new Promise<number>((resolve, reject) => {
          const child = spawn(argv[0] ?? "docker", argv.slice(1), {
            env: { ...env, ...buildKitEnvironment(docker) },
            stdio: [build.dockerfileText === undefined ? "ignore" : "pipe", "pipe", "pipe"],
          });
          let pending = "";
          const feed = (chunk: Buffer): void => {
            pending += chunk.toString("utf8");
            const parts = pending.split(/\r?\n/);
            pending = parts.pop() ?? "";
            for (const part of parts) {
              const line = mask(part);
              stderrTail.push(line);
              if (stderrTail.length > 20) stderrTail.shift();
              const shown = reader.line(line);
              if (shown !== undefined) build.onLine(shown);
              const current = reader.current;
              if (current !== undefined && build.onProgress !== undefined) build.onProgress(current);
            }
          };
          child.stdout?.on("data", feed);
          child.stderr?.on("data", feed);
          child.on("error", (error) => reject(new Error(`build of ${request.service}: cannot run ${docker.docker}: ${error.message}`)));
          child.on("close", (exitCode) => {
            if (pending !== "") feed(Buffer.from("\n"));
            resolve(exitCode ?? 1);
          });
          if (build.dockerfileText !== undefined) child.stdin?.end(build.dockerfileText);
        });
        if (code !== 0) throw new Error(reader.failure(request.service, code, stderrTail));
      } finally {
        if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
      }
    },
  };
};
