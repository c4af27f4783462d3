/**
 * An ImageBuildRequest as a BuildKit build on the Docker CLI: `docker buildx build` when the buildx plugin is there,
 * else `docker build` with DOCKER_BUILDKIT=1 on a CLI that still has the built-in BuildKit client (Docker < 23, e.g.
 * Debian's docker.io 20.10). Which one is found: adapters/docker-cli-build-runner.ts. Pure.
 */
import path from "node:path";
import type { ImageBuildRequest } from "./build-options.js";
import { SERVICE_LABEL } from "./build-options.js";

export interface BuildKitCli {
  /** The docker executable. */
  readonly docker: string;
  /** buildx: `docker buildx build` (named contexts, cache export); legacy: `docker build` + DOCKER_BUILDKIT=1. */
  readonly kind: "buildx" | "legacy";
  readonly version: string;
}

/** A build secret as the CLI takes it: always a file (an environment secret is written to a private temp file). */
export interface SecretFile {
  readonly id: string;
  readonly file: string;
}

export interface BuildKitCommandParams {
  readonly request: ImageBuildRequest;
  readonly tag: string;
  /** Context-relative Dockerfile; ignored with `inline` (the Dockerfile goes on stdin). */
  readonly dockerfile: string;
  readonly inline: boolean;
  readonly secrets: readonly SecretFile[];
  /** Named contexts for `--build-context` (buildx only; legacy builds get them rewritten, see named-contexts.ts). */
  readonly buildContexts?: Readonly<Record<string, string>>;
  /** Where the CLI writes the image id. */
  readonly iidFile?: string;
}

export const buildKitEnvironment = (cli: BuildKitCli): Record<string, string> => (cli.kind === "legacy" ? { DOCKER_BUILDKIT: "1" } : {});

/** The argv (without env): docker [buildx] build --progress=plain … <context>. */
export const buildKitArgv = (cli: BuildKitCli, params: BuildKitCommandParams): string[] => {
  const { request } = params;
  const argv = [cli.docker, ...(cli.kind === "buildx" ? ["buildx", "build", "--load"] : ["build"]), "--progress=plain", "-t", params.tag];
  argv.push("-f", params.inline ? "-" : path.join(request.context, params.dockerfile));
  if (params.iidFile !== undefined) argv.push("--iidfile", params.iidFile);
  for (const [key, value] of Object.entries(request.args)) argv.push("--build-arg", `${key}=${value}`);
  if (request.target) argv.push("--target", request.target);
  for (const [key, value] of Object.entries({ ...request.labels, [SERVICE_LABEL]: request.service })) argv.push("--label", `${key}=${value}`);
  for (const from of request.cacheFrom ?? []) argv.push("--cache-from", from);
  if (cli.kind === "buildx") for (const to of request.cacheTo ?? []) argv.push("--cache-to", to);
  if (request.network !== undefined) argv.push("--network", request.network);
  for (const host of request.extraHosts ?? []) argv.push("--add-host", host);
  if (request.shmSize !== undefined) argv.push("--shm-size", String(request.shmSize));
  for (const u of request.ulimits ?? []) argv.push("--ulimit", `${u.name}=${u.soft}:${u.hard}`);
  if (request.noCache) argv.push("--no-cache");
  if (request.pull) argv.push("--pull");
  if (request.platform !== undefined) argv.push("--platform", request.platform);
  for (const secret of params.secrets) argv.push("--secret", `id=${secret.id},src=${secret.file}`);
  for (const ssh of request.ssh ?? []) argv.push("--ssh", ssh);
  for (const [name, value] of Object.entries(params.buildContexts ?? {})) argv.push("--build-context", `${name}=${value}`);
  argv.push(request.context);
  return argv;
};
