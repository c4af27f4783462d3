/**
 * ImageBuilder: scan the context (honouring .dockerignore as Docker does), compute the content-hash tag, skip when
 * the engine already has it (dockerode), else build with BuildKit through the Docker CLI (docker-cli-build-runner.ts:
 * which CLI, the argv, progress and failures); tag the image with the manifest's name and build.tags too, then deliver it (docker: nothing; kind: `kind load docker-image`; registry: push).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { PassThrough } from "node:stream";
import Docker from "dockerode";
import { pack as packTar } from "tar-stream";
import { readFile } from "node:fs/promises";
import { createBuildLineSplitter } from "../build/build-output.js";
import type { BuildEvent } from "../build/build-output.js";
import { contentTagOptions } from "../build/build-options.js";
import { contentTag, repositoryOf } from "../build/content-tag.js";
import type { HashedEntry } from "../build/content-tag.js";
import { scanContext } from "../build/context-scan.js";
import { CONTEXT_IMAGE_DOCKERFILE, namedContext, rewriteNamedContexts } from "../build/named-contexts.js";
import { buildxBuildKitVersion, externalBaseImages, heredocMode, translateHeredocs, withoutSyntax } from "../build/dockerfile-heredocs.js";
import { directiveValue, hasHeredocs, parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { deliveredReference, kindLoadCommand } from "../build/image-delivery.js";
import type { ImageDelivery } from "../build/image-delivery.js";
import type { ImageBuildRequest, ImageBuildResult, ImageBuilder, ImageCommand } from "../ports/image-builder.js";
import { createDockerCliBuildRunner } from "./docker-cli-build-runner.js";
import type { BuildRunner } from "./docker-cli-build-runner.js";

/** The name an inline Dockerfile (build.dockerfile_inline) gets in the context tar. */
export const INLINE_DOCKERFILE = ".devloop.inline.Dockerfile";

export type RunCommand = (argv: readonly string[]) => Promise<{ code: number; output: string }>;

export interface DockerodeImageBuilderOptions {
  readonly docker?: Docker;
  /** Default: the bed's case, the kubelet shares this Docker engine. */
  readonly delivery?: ImageDelivery;
  /** Runs `kind load …` (injectable for tests). */
  readonly runCommand?: RunCommand;
  /** Registry credentials for push (dockerode authconfig), from the Docker credential config (adapters/docker-credentials.ts). */
  readonly registryAuth?: RegistryPushAuth;
  /** Per registry, for a build whose project chose its own (ImageBuildOptions.delivery); before registryAuth. */
  readonly registryAuthFor?: (registry: string) => RegistryPushAuth | undefined;
  /** Runs the BuildKit builds (default: the Docker CLI, pointed at the same engine as `docker`). */
  readonly runner?: BuildRunner;
}

export interface RegistryPushAuth {
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly serveraddress: string;
}

/** X-Registry-Auth for no credentials: base64 of "{}". */
const ANONYMOUS_REGISTRY_AUTH = Buffer.from("{}").toString("base64");

/** The engine dockerode talks to, as DOCKER_HOST for the CLI. */
const dockerHostOf = (docker: Docker): string | undefined => {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === "string" && modem.socketPath !== "") return `unix://${modem.socketPath}`;
  if (typeof modem.host === "string" && modem.host !== "") return `tcp://${modem.host}${typeof modem.port === "number" || typeof modem.port === "string" ? `:${modem.port}` : ""}`;
  return undefined;
};

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
  const ownDelivery: ImageDelivery = options.delivery ?? { strategy: "docker", reason: "default" };
  const runCommand = options.runCommand ?? defaultRunCommand;
  const dockerHost = process.env["DOCKER_HOST"] ?? dockerHostOf(docker);
  const runner = options.runner ?? createDockerCliBuildRunner(dockerHost === undefined ? {} : { dockerHost });

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

  const deliver = async (service: string, tag: string, onLine: (line: string) => void, delivery: ImageDelivery): Promise<string> => {
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
        // The engine's push refuses a request without X-Registry-Auth ("Bad parameters and missing X-Registry-Auth"),
        // even for a registry without auth: anonymous is "{}", as the Docker CLI sends it.
        const auth = options.registryAuthFor?.(delivery.registry) ?? options.registryAuth;
        const stream = await docker.getImage(ref).push({ authconfig: auth ?? { base64: ANONYMOUS_REGISTRY_AUTH } });
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

  /**
   * additional_contexts: with buildx, `--build-context` takes them as they are; with the legacy CLI a directory
   * becomes a content-hash image (built once) and the Dockerfile's references are rewritten (build/named-contexts.ts).
   * Returns the tag-hash view (name → what it is) and what the run needs.
   */
  const namedContexts = async (request: ImageBuildRequest, onLine: (line: string) => void): Promise<{ hashed: Record<string, string>; images: Record<string, string>; buildContexts: Record<string, string> }> => {
    const hashed: Record<string, string> = {};
    const images: Record<string, string> = {};
    const buildContexts: Record<string, string> = {};
    const entries = Object.entries(request.additionalContexts ?? {});
    if (entries.length === 0) return { hashed, images, buildContexts };
    const cli = await runner.cli();
    for (const [name, value] of entries) {
      const context = namedContext(name, value);
      if (context.kind === "unsupported") {
        if (cli.kind !== "buildx") throw new Error(`build of ${request.service}: additional_contexts.${name} (${value}) needs the buildx plugin; ${cli.docker} ${cli.version} takes directories and docker-image:// references only`);
        hashed[name] = value;
        buildContexts[name] = value;
      } else if (context.kind === "image") {
        hashed[name] = context.ref;
        images[name] = context.ref;
        buildContexts[name] = value;
      } else {
        let scanned;
        try {
          scanned = await scanContext(context.dir, "Dockerfile", true);
        } catch (error) {
          throw new Error(`build of ${request.service}: cannot read additional_contexts.${name} (${context.dir}): ${error instanceof Error ? error.message : String(error)}`);
        }
        const ref = contentTag({ repository: `${repositoryOf(request.image)}-context-${name.toLowerCase().replace(/[^a-z0-9_.-]/g, "-")}`, entries: scanned.entries, dockerfile: "", dockerfileInline: CONTEXT_IMAGE_DOCKERFILE, args: {} });
        hashed[name] = ref;
        buildContexts[name] = context.dir;
        images[name] = ref;
        if (cli.kind === "legacy" && !(await hasImage(ref))) {
          onLine(`additional context ${name}: ${context.dir} as image ${ref}`);
          await runner.run({ request: { service: request.service, image: ref, context: context.dir, dockerfile: "Dockerfile", args: {} }, tag: ref, dockerfile: "Dockerfile", dockerfileText: CONTEXT_IMAGE_DOCKERFILE, onLine });
        }
      }
    }
    return { hashed, images, buildContexts };
  };

  /** up --no-build without an image of the current inputs: the image the service's name points at (every build tags it), or a rejection naming the service. */
  const useExisting = async (request: ImageBuildRequest, tag: string, onLine: (line: string) => void, started: number, delivery: ImageDelivery): Promise<ImageBuildResult> => {
    if (!(await hasImage(request.image))) {
      throw new Error(`${request.service}: up --no-build, and no image of it exists: neither ${tag} (its current build inputs) nor ${request.image}; build it (devloop build ${request.service}) or run up without --no-build`);
    }
    onLine(`--no-build: ${tag} (the current build inputs) is not built; running ${request.image}, the image that exists`);
    const ref = await deliver(request.service, request.image, onLine, delivery);
    const command = await imageCommand(request.image);
    return { tag: request.image, ref, skipped: true, ms: Math.round(performance.now() - started), ...(command === undefined ? {} : { command }) };
  };

  // What the builder's own Dockerfile frontend is, asked once: the engine's version; a buildx builder's BuildKit.
  let engineVersion: Promise<string> | undefined;
  const engine = (): Promise<string> =>
    (engineVersion ??= docker.version().then(
      (v) => String(v.Version),
      () => "",
    ));
  let builderBuildKit: Promise<string | undefined> | undefined;
  const builder = (): Promise<string | undefined> =>
    (builderBuildKit ??= runner.cli().then(
      (cli) =>
        cli.kind !== "buildx"
          ? undefined
          : Promise.race([
              runCommand([cli.docker, "buildx", "inspect"]).then(({ code, output }) => (code === 0 ? buildxBuildKitVersion(output) : undefined)),
              new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000).unref()),
            ]),
      () => undefined,
    ));
  // `# syntax=` frontend images: in the engine, or pulled once (offline, the pull fails fast and is not retried for 10 min).
  const syntaxPulls = new Map<string, { readonly ok: boolean; readonly at: number; readonly why: string }>();
  const syntaxImage = async (ref: string, onLine: (line: string) => void): Promise<boolean> => {
    if (await hasImage(ref)) return true;
    const known = syntaxPulls.get(ref);
    if (known !== undefined && (known.ok || performance.now() - known.at < 600_000)) return known.ok;
    let why = "";
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        why = "no answer in 30 s";
        resolve(false);
      }, 30_000);
      docker.pull(ref, {}, (error: Error | null, stream?: NodeJS.ReadableStream) => {
        if (error !== null || stream === undefined) {
          clearTimeout(timer);
          why = error?.message.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim() ?? "no stream";
          resolve(false);
          return;
        }
        docker.modem.followProgress(stream, (failure: Error | null) => {
          clearTimeout(timer);
          why = failure?.message ?? "";
          resolve(failure === null);
        });
      });
    });
    syntaxPulls.set(ref, { ok, at: performance.now(), why });
    if (!ok) onLine(`# syntax=${ref}: the frontend image is not in the engine and cannot be pulled (${why.split("\n")[0] ?? ""})`);
    return ok;
  };

  /**
   * Dockerfile heredocs for a frontend without them (build/dockerfile-heredocs.ts): undefined when the Dockerfile has
   * none or goes as written (heredocMode: a `# syntax=` image the engine has or can pull, a builder with heredocs).
   * Otherwise the Dockerfile to send (without an unobtainable `# syntax=` line, or rewritten) and, when rewritten, the
   * heredoc image's content-hash reference and how to build it.
   */
  const heredocPlan = async (request: ImageBuildRequest, text: string, file: string, onLine: (line: string) => void): Promise<{ dockerfileText: string; ref?: string; ensure: () => Promise<void> } | undefined> => {
    if (!text.includes("<<")) return undefined;
    const parsed = parseDockerfile(text);
    if (!hasHeredocs(parsed)) return undefined;
    const syntax = directiveValue(parsed, "syntax");
    const syntaxAvailable = syntax === undefined ? undefined : await syntaxImage(syntax, onLine);
    const builderVersion = await builder();
    const mode = heredocMode({
      ...(syntax === undefined ? {} : { syntax }),
      ...(syntaxAvailable === undefined ? {} : { syntaxAvailable }),
      ...(builderVersion === undefined ? {} : { builderBuildKit: builderVersion }),
      engineVersion: await engine(),
    });
    if (mode === "as-written") return undefined;
    if (mode === "drop-syntax") {
      onLine(`heredocs: built by the builder's own Dockerfile frontend, without the # syntax=${syntax ?? ""} line`);
      const dockerfileText = withoutSyntax(parsed);
      return { dockerfileText, ensure: () => Promise.resolve() };
    }
    const buildPlatform = `linux/${process.arch === "x64" ? "amd64" : process.arch}`;
    const platform = { args: request.args, buildPlatform, ...(request.platform === undefined ? {} : { platform: request.platform }) };
    const baseEnv: Record<string, Record<string, string>> = {};
    for (const image of externalBaseImages(parsed, platform)) {
      try {
        const env = ((await docker.getImage(image).inspect()).Config as { Env?: string[] | null } | undefined)?.Env ?? [];
        baseEnv[image] = Object.fromEntries(env.map((kv) => [kv.slice(0, kv.indexOf("=") < 0 ? kv.length : kv.indexOf("=")), kv.indexOf("=") < 0 ? "" : kv.slice(kv.indexOf("=") + 1)]));
      } catch {
        // Not in the engine yet: its ENV stays unknown (the build log says so when a COPY heredoc expands).
      }
    }
    const translation = translateHeredocs(parsed, { ...platform, baseEnv, dropSyntax: syntax !== undefined });
    if ("problems" in translation) {
      const [first] = translation.problems;
      throw new Error(`build of ${request.service}: ${file}:${first?.line ?? 0}:${first?.column ?? 0}: ${first?.message ?? "heredoc"}${first?.hint === undefined ? "" : ` (${first.hint})`}`);
    }
    for (const image of translation.unknownBaseEnv) onLine(`heredocs: the ENV of ${image} is not known before it is pulled; a $VARIABLE it alone sets stays as written in a COPY heredoc`);
    // The image's tag hashes the files as a context scan would (path, mode, content), without writing them first.
    const entries: HashedEntry[] = translation.files.flatMap((f) => [
      { path: path.posix.dirname(f.path), kind: "dir" as const, mode: 0o755, digest: "" },
      { path: f.path, kind: "file" as const, mode: f.mode, digest: createHash("sha256").update(f.content).digest("hex") },
    ]);
    const ref = contentTag({ repository: `${repositoryOf(request.image)}-heredocs`, entries, dockerfile: "", dockerfileInline: "heredoc files, imported from a tar (v1)", args: {} });
    // The heredoc image is imported from a tar of the files (one engine call, no build): the modes are the tar's.
    const ensure = async (): Promise<void> => {
      onLine(`heredocs: ${translation.rewritten} instruction(s) rewritten for the builder's Dockerfile frontend, which has none (docs/build.md#heredocs); their files are image ${ref}`);
      if (await hasImage(ref)) return;
      const archive = packTar();
      const mtime = new Date(0);
      for (const dir of new Set(translation.files.map((f) => path.posix.dirname(f.path)))) archive.entry({ name: dir, type: "directory", mode: 0o755, mtime });
      for (const heredoc of translation.files) archive.entry({ name: heredoc.path, mode: heredoc.mode, mtime }, heredoc.content);
      archive.finalize();
      let failure: string | undefined;
      try {
        const stream = await docker.importImage(archive.pipe(new PassThrough()), { repo: repositoryOf(ref), tag: ref.slice(repositoryOf(ref).length + 1) });
        await follow(docker, stream, (event) => {
          if (event.error !== undefined) failure = event.error;
        });
      } catch (error) {
        throw engineMessage(`build of ${request.service}: import the heredoc files as ${ref}`, error);
      }
      if (failure !== undefined) throw new Error(`build of ${request.service}: import the heredoc files as ${ref}: ${failure.trim()}`);
    };
    return { dockerfileText: translation.render(ref), ref, ensure };
  };

  return {
    exists: hasImage,
    imageCommand,
    build: async (request: ImageBuildRequest, onLine, onProgress, environment, options): Promise<ImageBuildResult> => {
      const started = performance.now();
      const delivery = options?.delivery ?? ownDelivery;
      const inline = request.dockerfileInline;
      const dockerfile = request.dockerfile.replace(/\\/g, "/");
      if (inline === undefined && (path.isAbsolute(dockerfile) || path.posix.normalize(dockerfile).startsWith("../"))) {
        throw new Error(`build of ${request.service}: the Dockerfile ${request.dockerfile} is outside the context ${request.context}; devloop sends only the context`);
      }
      let scanned;
      try {
        scanned = await scanContext(request.context, dockerfile, inline !== undefined);
      } catch (error) {
        throw new Error(`build of ${request.service}: cannot read the context ${request.context}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const contexts = await namedContexts(request, onLine);
      const dockerfileFile = inline === undefined ? path.join(request.context, dockerfile) : `services.${request.service}.build.dockerfile_inline`;
      const original = inline ?? (await readFile(path.join(request.context, dockerfile), "utf8").catch(() => undefined));
      const heredocs = original === undefined ? undefined : await heredocPlan(request, original, dockerfileFile, onLine);
      // The heredoc image (its content) is part of the tag: the rewritten Dockerfile uses it.
      if (heredocs?.ref !== undefined) contexts.hashed["devloop:heredocs"] = heredocs.ref;
      const tag = contentTag({
        repository: repositoryOf(request.image),
        entries: scanned.entries,
        dockerfile: inline === undefined ? dockerfile : INLINE_DOCKERFILE,
        ...(inline === undefined ? {} : { dockerfileInline: inline }),
        args: request.args,
        ...(request.target ? { target: request.target } : {}),
        ...contentTagOptions(request),
        ...(Object.keys(contexts.hashed).length > 0 ? { contexts: contexts.hashed } : {}),
      });
      // no_cache / pull are part of the tag: turning one on builds once for real; unchanged inputs then skip again.
      const skipped = await hasImage(tag);
      if (skipped) onLine(`image ${tag} is up to date (context, Dockerfile, args, target and build options unchanged)`);
      else if (options?.noBuild === true) return useExisting(request, tag, onLine, started, delivery);
      else {
        const cli = await runner.cli();
        onLine(`building ${tag} with BuildKit (${cli.kind === "buildx" ? `${cli.docker} buildx build` : `${cli.docker} build, DOCKER_BUILDKIT=1`}, docker ${cli.version}; ${scanned.entries.filter((e) => e.kind === "file").length} files in context${scanned.ignoreFile === undefined ? "" : `, ${scanned.ignoreFile}`})`);
        const rewrite = cli.kind === "legacy" && Object.keys(contexts.images).length > 0;
        let dockerfileText = inline;
        if (heredocs !== undefined) {
          await heredocs.ensure();
          dockerfileText = heredocs.dockerfileText;
        }
        if (rewrite) {
          const text = dockerfileText ?? original;
          if (text === undefined) throw new Error(`build of ${request.service}: cannot read the Dockerfile ${path.join(request.context, dockerfile)}`);
          dockerfileText = rewriteNamedContexts(text, contexts.images);
        }
        if (cli.kind === "legacy" && (request.ulimits ?? []).length > 0) {
          onLine(`ulimits ${(request.ulimits ?? []).map((u) => `${u.name}=${u.soft}:${u.hard}`).join(" ")}: the BuildKit of Docker ${cli.version} does not apply ulimits to RUN steps (BuildKit 0.10+, the buildx plugin, does); the engine's defaults apply`);
        }
        if (cli.kind === "legacy" && request.shmSize !== undefined) {
          onLine(`shm_size ${request.shmSize}: the BuildKit of Docker ${cli.version} does not size /dev/shm of RUN steps (BuildKit 0.10+, the buildx plugin, does); it stays 64 MiB`);
        }
        if (cli.kind === "legacy" && (request.cacheTo ?? []).some((c) => !/^type=inline\b/.test(c))) {
          onLine(`cache_to ${(request.cacheTo ?? []).join(", ")}: exporting a cache needs the buildx plugin; ${cli.docker} ${cli.version} keeps the layer cache in the engine`);
        }
        await runner.run({
          request,
          tag,
          dockerfile,
          ...(dockerfileText === undefined ? {} : { dockerfileText }),
          ...(cli.kind === "buildx" && Object.keys(contexts.buildContexts).length > 0 ? { buildContexts: contexts.buildContexts } : {}),
          onLine,
          ...(onProgress === undefined ? {} : { onProgress }),
          ...(environment === undefined ? {} : { environment }),
        });
      }
      await tagAs(tag, request.image);
      // build.tags: local names only (delivery pushes the content-hash tag), applied on a skip too.
      for (const extra of request.tags ?? []) await tagAs(tag, extra);
      const ref = await deliver(request.service, tag, onLine, delivery);
      const command = await imageCommand(tag);
      return { tag, ref, skipped, ms: Math.round(performance.now() - started), ...(command === undefined ? {} : { command }) };
    },
  };
};
