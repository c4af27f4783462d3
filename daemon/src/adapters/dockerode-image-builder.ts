/**
 * ImageBuilder over dockerode: scan the context (honouring .dockerignore), compute the content-hash tag, skip when
 * the engine already has it, else build from a tar-stream context with progress streamed line by line (the query:
 * build/classic-build-options.ts); tag the image with the manifest's name and build.tags too, then deliver it (docker: nothing; kind: `kind load docker-image`; registry: push).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import Docker from "dockerode";
import { createBuildLineSplitter, createBuildTranscript } from "../build/build-output.js";
import type { BuildEvent } from "../build/build-output.js";
import { classicBuildQuery, contentTagOptions } from "../build/classic-build-options.js";
import { contentTag, repositoryOf } from "../build/content-tag.js";
import { scanContext } from "../build/context-scan.js";
import { packContext } from "../build/context-tar.js";
import { deliveredReference, kindLoadCommand } from "../build/image-delivery.js";
import type { ImageDelivery } from "../build/image-delivery.js";
import type { ImageBuildRequest, ImageBuildResult, ImageBuilder, ImageCommand } from "../ports/image-builder.js";

/** The name an inline Dockerfile (build.dockerfile_inline) gets in the context tar. */
export const INLINE_DOCKERFILE = ".devloop.inline.Dockerfile";

export type RunCommand = (argv: readonly string[]) => Promise<{ code: number; output: string }>;

export interface DockerodeImageBuilderOptions {
  readonly docker?: Docker;
  /** Default: the bed's case, the kubelet shares this Docker engine. */
  readonly delivery?: ImageDelivery;
  /** Runs `kind load …` (injectable for tests). */
  readonly runCommand?: RunCommand;
  /** Registry credentials for push (dockerode authconfig), e.g. from DEVLOOP_REGISTRY_USER/PASSWORD. */
  readonly registryAuth?: { readonly username: string; readonly password: string; readonly serveraddress: string };
}

interface EngineError {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
  readonly json?: { readonly message?: string };
}

const engineMessage = (what: string, error: unknown): Error => {
  const e = (typeof error === "object" && error !== null ? error : {}) as EngineError;
  if (e.code === "ENOENT" || e.code === "ECONNREFUSED" || e.code === "EACCES") {
    return new Error(`${what}: Docker engine not reachable (${e.code}); start it or set DOCKER_HOST`);
  }
  const detail = e.json?.message ?? e.message ?? String(error);
  return new Error(`${what}: ${detail.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim()}`);
};

const defaultRunCommand: RunCommand = (argv) =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    execFile(file ?? "false", args, { maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 127;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });

const follow = (docker: Docker, stream: NodeJS.ReadableStream, onEvent: (event: BuildEvent) => void): Promise<void> =>
  new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()), onEvent);
  });

export const createDockerodeImageBuilder = (options: DockerodeImageBuilderOptions = {}): ImageBuilder => {
  const docker = options.docker ?? new Docker();
  const delivery: ImageDelivery = options.delivery ?? { strategy: "docker", reason: "default" };
  const runCommand = options.runCommand ?? defaultRunCommand;

  const hasImage = async (ref: string): Promise<boolean> => {
    try {
      await docker.getImage(ref).inspect();
      return true;
    } catch (error) {
      if ((error as EngineError).statusCode === 404) return false;
      throw engineMessage(`inspect image ${ref}`, error);
    }
  };

  const imageCommand = async (ref: string): Promise<ImageCommand | undefined> => {
    try {
      const config = (await docker.getImage(ref).inspect()).Config as { Entrypoint?: string[] | string | null; Cmd?: string[] | string | null } | undefined;
      const list = (v: string[] | string | null | undefined): string[] => (v === null || v === undefined ? [] : typeof v === "string" ? ["/bin/sh", "-c", v] : v);
      return { entrypoint: list(config?.Entrypoint), cmd: list(config?.Cmd) };
    } catch {
      return undefined;
    }
  };

  const tagAs = async (source: string, ref: string): Promise<void> => {
    if (source === ref) return;
    try {
      await docker.getImage(source).tag({ repo: repositoryOf(ref), tag: ref.slice(repositoryOf(ref).length + 1) || "latest" });
    } catch (error) {
      throw engineMessage(`tag ${source} as ${ref}`, error);
    }
  };

  const deliver = async (service: string, tag: string, onLine: (line: string) => void): Promise<string> => {
    const ref = deliveredReference(delivery, tag);
    if (delivery.strategy === "kind") {
      const argv = kindLoadCommand(delivery.cluster, ref);
      onLine(`$ ${argv.join(" ")}`);
      const { code, output } = await runCommand(argv);
      if (code !== 0) throw new Error(`load image of ${service} into kind cluster "${delivery.cluster}": ${argv.join(" ")} exited ${code}: ${output.split("\n").slice(-3).join(" ")}`);
    } else if (delivery.strategy === "registry") {
      await tagAs(tag, ref);
      const splitter = createBuildLineSplitter(onLine);
      let failure: string | undefined;
      try {
        const stream = await docker.getImage(ref).push(options.registryAuth ? { authconfig: options.registryAuth } : {});
        await follow(docker, stream, (event) => {
          if (event.error !== undefined) failure = event.error;
          splitter.push(event);
        });
      } catch (error) {
        throw engineMessage(`push ${ref}`, error);
      }
      if (failure !== undefined) throw new Error(`push ${ref}: ${failure.trim()}`);
    }
    return ref;
  };

  return {
    exists: hasImage,
    build: async (request: ImageBuildRequest, onLine): Promise<ImageBuildResult> => {
      const started = performance.now();
      const inline = request.dockerfileInline;
      const dockerfile = inline === undefined ? request.dockerfile.replace(/\\/g, "/") : INLINE_DOCKERFILE;
      if (inline === undefined && (path.isAbsolute(dockerfile) || path.posix.normalize(dockerfile).startsWith("../"))) {
        throw new Error(`build of ${request.service}: the Dockerfile ${request.dockerfile} is outside the context ${request.context}; devloop sends only the context`);
      }
      let scanned;
      try {
        scanned = await scanContext(request.context, dockerfile);
      } catch (error) {
        throw new Error(`build of ${request.service}: cannot read the context ${request.context}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const tag = contentTag({
        repository: repositoryOf(request.image),
        entries: scanned.entries,
        dockerfile,
        ...(inline === undefined ? {} : { dockerfileInline: inline }),
        args: request.args,
        ...(request.target ? { target: request.target } : {}),
        ...contentTagOptions(request),
      });
      // no_cache / pull are part of the tag: turning one on builds once for real; unchanged inputs then skip again.
      const skipped = await hasImage(tag);
      if (skipped) onLine(`image ${tag} is up to date (context, Dockerfile, args, target and build options unchanged)`);
      else {
        onLine(`building ${tag} (${scanned.entries.filter((e) => e.kind === "file").length} files in context)`);
        const transcript = createBuildTranscript();
        const splitter = createBuildLineSplitter((line) => {
          transcript.line(line);
          onLine(line);
        });
        let failure: string | undefined;
        try {
          const extra = inline === undefined ? [] : [{ name: INLINE_DOCKERFILE, data: Buffer.from(inline, "utf8") }];
          // The typings call extrahosts a string; the API reads it as a repeated parameter, which an array gives.
          const query = classicBuildQuery(request, tag, dockerfile) as unknown as Docker.ImageBuildOptions;
          const stream = await docker.buildImage(packContext(scanned, extra) as unknown as NodeJS.ReadableStream, query);
          await follow(docker, stream, (event) => {
            if (event.error !== undefined) failure ??= event.errorDetail?.message ?? event.error;
            else splitter.push(event);
          });
        } catch (error) {
          throw engineMessage(`build of ${request.service}`, error);
        }
        splitter.flush();
        if (failure !== undefined) throw new Error(transcript.failure(request.service, failure));
      }
      await tagAs(tag, request.image);
      // build.tags: local names only (delivery pushes the content-hash tag), applied on a skip too.
      for (const extra of request.tags ?? []) await tagAs(tag, extra);
      const ref = await deliver(request.service, tag, onLine);
      const command = await imageCommand(tag);
      return { tag, ref, skipped, ms: Math.round(performance.now() - started), ...(command === undefined ? {} : { command }) };
    },
  };
};
