/**
 * Compiler over dockerode: runs the compiler image with the source bind-mounted read-only at the workdir and one
 * named cache volume per cache path ("devloop-cache-<project>-<service>[-n]", kept between compiles), streams the
 * output line by line, and returns the artifact. The compiler's output goes to stderr and, on success, the artifact
 * is written to stdout by the same process (RUN_SCRIPT): one round trip, no getArchive (which costs 130–250 ms of
 * engine time even for a tiny file). By default one compiler container per service is kept running and each
 * compile is an exec in it (warm); with warm: false each compile is a fresh container. A compile
 * that fails (exit ≠ 0, missing image, missing artifact) is a result with ok: false, never a rejection.
 */
import { stat } from "node:fs/promises";
import { PassThrough } from "node:stream";
import Docker from "dockerode";
import { toDnsLabel } from "../translate/names.js";
import type { CompileSpec } from "../compile/compile-spec.js";
import type { CompileRequest, CompileResult, Compiler } from "../ports/compiler.js";

export interface DockerodeCompilerOptions {
  readonly docker?: Docker;
  /** Pull the compiler image when it is missing (default true). */
  readonly pull?: boolean;
  /**
   * Keep one compiler container per service running (sleep infinity, same mounts) and compile with exec in it
   * (default true): saves container create/start/remove on every edit. false = a fresh container per compile.
   */
  readonly warm?: boolean;
}

const MAX_OUTPUT_CHARS = 64 * 1024;

export const cacheVolumeName = (project: string, service: string, index: number): string =>
  `devloop-cache-${toDnsLabel(project)}-${toDnsLabel(service)}${index === 0 ? "" : `-${index}`}`;

interface EngineError {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
  readonly json?: { readonly message?: string };
}

const reason = (error: unknown): string => {
  const e = (typeof error === "object" && error !== null ? error : {}) as EngineError;
  if (e.code === "ENOENT" || e.code === "ECONNREFUSED" || e.code === "EACCES") return `Docker engine not reachable (${e.code}); start it or set DOCKER_HOST`;
  return (e.json?.message ?? e.message ?? String(error)).replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
};

const lineSplitter = (onLine: (line: string) => void): { write(chunk: Buffer): void; end(): void } => {
  let pending = "";
  return {
    write: (chunk) => {
      pending += chunk.toString("utf8");
      const parts = pending.split(/\r?\n/);
      pending = parts.pop() ?? "";
      for (const part of parts) onLine(part);
    },
    end: () => {
      if (pending !== "") onLine(pending);
      pending = "";
    },
  };
};

const PURPOSE_LABEL = "dev.devloop.purpose";

/**
 * Wraps the compile command: its output goes to stderr (so stdout carries only the artifact), a stale artifact is
 * removed first, a missing artifact after exit 0 is exit 125 with a message, the artifact's mode goes to stderr.
 */
export const RUN_SCRIPT = [
  'rm -f -- "$DEVLOOP_OUTPUT"',
  '"$@" 1>&2 || exit $?',
  '[ -f "$DEVLOOP_OUTPUT" ] || { echo "devloop: the compiler exited 0 but left no file at $DEVLOOP_OUTPUT" >&2; exit 125; }',
  'echo "DEVLOOP_ARTIFACT_MODE=$(stat -c %a -- "$DEVLOOP_OUTPUT" 2>/dev/null || echo 755)" >&2',
  'exec cat -- "$DEVLOOP_OUTPUT"',
].join("\n");
const MODE_MARK = "DEVLOOP_ARTIFACT_MODE=";
export const MISSING_ARTIFACT_EXIT = 125;

interface CompilerRun {
  readonly exitCode: number;
  readonly runMs: number;
  readonly stdout: Buffer;
  dispose(): Promise<void>;
}

/** Waits for a (demuxed) output stream to end, at most `ms` after the process is known to be done. */
const pipeOutput = (docker: Docker, stream: NodeJS.ReadableStream, record: (line: string) => void): { drained(ms: number): Promise<Buffer> } => {
  const split = lineSplitter(record);
  const stdout: Buffer[] = [];
  const out = new PassThrough();
  const err = new PassThrough();
  out.on("data", (chunk: Buffer) => stdout.push(chunk));
  err.on("data", (chunk: Buffer) => split.write(chunk));
  const ended = new Promise<void>((resolve) => stream.on("end", resolve).on("close", resolve).on("error", () => resolve()));
  docker.modem.demuxStream(stream, out, err);
  return {
    drained: async (ms) => {
      await Promise.race([ended, new Promise((r) => setTimeout(r, ms))]);
      split.end();
      return Buffer.concat(stdout);
    },
  };
};

export const createDockerodeCompiler = (options: DockerodeCompilerOptions = {}): Compiler => {
  const docker = options.docker ?? new Docker();
  const warm = options.warm ?? true;
  const ensuredVolumes = new Set<string>();
  /** project/service → the long-lived compiler container and the mounts it was made for. */
  const warmContainers = new Map<string, { key: string; container: Docker.Container }>();

  const ensureImage = async (image: string, onLine: (line: string) => void): Promise<string | undefined> => {
    try {
      await docker.getImage(image).inspect();
      return undefined;
    } catch (error) {
      if ((error as EngineError).statusCode !== 404) return reason(error);
    }
    if (options.pull === false) return `compiler image ${image} is not present on the Docker engine`;
    onLine(`pulling compiler image ${image}`);
    try {
      const stream = await docker.pull(image);
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve())));
      return undefined;
    } catch (error) {
      return `compiler image ${image} is not present and could not be pulled: ${reason(error)}`;
    }
  };

  const containerOptions = (project: string, spec: CompileSpec, volumes: readonly { name: string; target: string }[]): Docker.ContainerCreateOptions => ({
    Image: spec.image,
    WorkingDir: spec.workdir,
    Env: [...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`), `DEVLOOP_OUTPUT=${spec.output}`],
    Labels: { "dev.devloop.project": project, "dev.devloop.service": spec.service, [PURPOSE_LABEL]: "compile" },
    HostConfig: {
      Mounts: [
        { Type: "bind", Source: spec.source, Target: spec.workdir, ReadOnly: true },
        ...volumes.map((v) => ({ Type: "volume" as const, Source: v.name, Target: v.target })),
      ],
    },
  });

  /** One-shot: a fresh container runs the command and exits. */
  const runInNewContainer = async (project: string, spec: CompileSpec, volumes: readonly { name: string; target: string }[], record: (line: string) => void): Promise<CompilerRun> => {
    const container = await docker.createContainer({
      ...containerOptions(project, spec, volumes),
      Entrypoint: ["sh", "-c", RUN_SCRIPT, "devloop-compile"],
      Cmd: [...spec.command],
      AttachStdout: true,
      AttachStderr: true,
    });
    const output = pipeOutput(docker, await container.attach({ stream: true, stdout: true, stderr: true }), record);
    const runStarted = performance.now();
    await container.start();
    const waited = (await container.wait()) as { StatusCode?: number };
    const runMs = performance.now() - runStarted;
    const stdout = await output.drained(60_000);
    return { exitCode: waited.StatusCode ?? -1, runMs, stdout, dispose: () => container.remove({ force: true }).then(() => undefined) };
  };

  /** Warm: a kept container (sleep infinity, same mounts) runs each compile as an exec; the old artifact is removed first. */
  const runInWarmContainer = async (project: string, spec: CompileSpec, volumes: readonly { name: string; target: string }[], record: (line: string) => void): Promise<CompilerRun> => {
    const id = `${project}/${spec.service}`;
    // The source directory's inode is part of the key: a bind mount keeps pointing at a directory that was
    // replaced (rm -rf + mkdir, an atomic rename), which would compile stale code.
    const sourceInode = (await stat(spec.source)).ino;
    const key = JSON.stringify([spec.image, spec.source, sourceInode, spec.workdir, volumes]);
    let entry = warmContainers.get(id);
    if (entry !== undefined && entry.key !== key) {
      await entry.container.remove({ force: true }).catch(() => undefined);
      entry = undefined;
    }
    if (entry === undefined) {
      const container = await docker.createContainer({ ...containerOptions(project, spec, volumes), Entrypoint: ["sleep"], Cmd: ["infinity"] });
      await container.start();
      entry = { key, container };
      warmContainers.set(id, entry);
    }
    const { container } = entry;
    const exec = await container.exec({
      Cmd: ["sh", "-c", RUN_SCRIPT, "devloop-compile", ...spec.command],
      Env: [...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`), `DEVLOOP_OUTPUT=${spec.output}`],
      WorkingDir: spec.workdir,
      AttachStdout: true,
      AttachStderr: true,
    });
    const runStarted = performance.now();
    const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream;
    const output = pipeOutput(docker, stream, record);
    const stdout = await output.drained(60 * 60_000);
    const info = await exec.inspect();
    const runMs = performance.now() - runStarted;
    return { exitCode: info.ExitCode ?? -1, runMs, stdout, dispose: () => Promise.resolve() };
  };

  const dropWarm = async (project: string, service: string): Promise<void> => {
    const entry = warmContainers.get(`${project}/${service}`);
    warmContainers.delete(`${project}/${service}`);
    if (entry) await entry.container.remove({ force: true }).catch(() => undefined);
  };

  /** Compiles of one service run one after the other (they share the kept container and the output path). */
  const queues = new Map<string, Promise<unknown>>();
  const serialised = <T>(id: string, work: () => Promise<T>): Promise<T> => {
    const next = (queues.get(id) ?? Promise.resolve()).then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return next;
  };

  const compileNow = async ({ project, spec }: CompileRequest, onLine: (line: string) => void): Promise<CompileResult> => {
    const started = performance.now();
    let runMs = 0;
    const output: string[] = [];
    let outputChars = 0;
    let mode = 0o755;
    const record = (line: string): void => {
      if (line.startsWith(MODE_MARK)) {
        mode = parseInt(line.slice(MODE_MARK.length), 8) || 0o755;
        return;
      }
      if (outputChars < MAX_OUTPUT_CHARS) output.push(line);
      outputChars += line.length + 1;
      onLine(line);
    };
    const fail = (exitCode: number, message: string): CompileResult => ({
      ok: false,
      exitCode,
      output: output.join("\n"),
      message: `compile ${spec.service}: ${message}`,
      timings: { totalMs: Math.round(performance.now() - started), runMs: Math.round(runMs) },
    });

    const missing = await ensureImage(spec.image, record);
    if (missing !== undefined) return fail(-1, missing);
    const volumes = spec.cache.map((target, i) => ({ name: cacheVolumeName(project, spec.service, i), target }));
    let run: CompilerRun | undefined;
    try {
      for (const volume of volumes) {
        if (ensuredVolumes.has(volume.name)) continue;
        await docker.createVolume({ Name: volume.name, Labels: { "dev.devloop.project": project, "dev.devloop.service": spec.service, [PURPOSE_LABEL]: "compile-cache" } });
        ensuredVolumes.add(volume.name);
      }
      if (warm) {
        try {
          run = await runInWarmContainer(project, spec, volumes, record);
        } catch {
          // The kept container is gone or broken (removed by hand, engine restarted): start a fresh one once.
          await dropWarm(project, spec.service);
          run = await runInWarmContainer(project, spec, volumes, record);
        }
      } else run = await runInNewContainer(project, spec, volumes, record);
      runMs = run.runMs;
      if (run.exitCode === MISSING_ARTIFACT_EXIT && output.some((l) => l.startsWith("devloop: the compiler exited 0"))) {
        return fail(-1, `the compiler exited 0 but left no file at ${spec.output}`);
      }
      if (run.exitCode !== 0) {
        const firstError = output.find((l) => /error|undefined|cannot|expected/i.test(l)) ?? output[0] ?? "";
        return fail(run.exitCode, `exit ${run.exitCode}${firstError === "" ? "" : `: ${firstError.trim()}`}`);
      }
      return {
        ok: true,
        artifact: new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength),
        mode: mode & 0o7777,
        output: output.join("\n"),
        timings: { totalMs: Math.round(performance.now() - started), runMs: Math.round(runMs) },
      };
    } catch (error) {
      return fail(-1, `could not run the compiler container: ${reason(error)}`);
    } finally {
      if (run !== undefined) await run.dispose().catch(() => undefined);
    }
  };

  return {
    compile: (request, onLine) => serialised(`${request.project}/${request.spec.service}`, () => compileNow(request, onLine)),
    close: async () => {
      const entries = [...warmContainers.values()];
      warmContainers.clear();
      await Promise.allSettled(entries.map((e) => e.container.remove({ force: true })));
    },
  };
};
