/**
 * Compiler over dockerode: runs the compiler image with the source bind-mounted read-only at the workdir and one
 * named cache volume per cache path ("devloop-cache-<project>-<service>[-n]", kept between compiles), streams the
 * output line by line, then copies the artifact out of the stopped container (getArchive) and removes it. A compile
 * that fails (exit ≠ 0, missing image, missing artifact) is a result with ok: false, never a rejection.
 */
import { PassThrough } from "node:stream";
import Docker from "dockerode";
import { extract } from "tar-stream";
import { toDnsLabel } from "../translate/names.js";
import type { CompileRequest, CompileResult, Compiler } from "../ports/compiler.js";

export interface DockerodeCompilerOptions {
  readonly docker?: Docker;
  /** Pull the compiler image when it is missing (default true). */
  readonly pull?: boolean;
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

/** The first regular file in a tar stream (getArchive of a file path gives a one-entry tar). */
const firstFile = (tar: NodeJS.ReadableStream): Promise<{ data: Buffer; mode: number; type: string } | undefined> =>
  new Promise((resolve, reject) => {
    const ex = extract();
    let found: { data: Buffer; mode: number; type: string } | undefined;
    ex.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on("end", () => {
        found ??= { data: Buffer.concat(chunks), mode: header.mode ?? 0o755, type: header.type ?? "file" };
        next();
      });
      stream.resume();
    });
    ex.on("finish", () => resolve(found));
    ex.on("error", reject);
    tar.pipe(ex);
  });

export const createDockerodeCompiler = (options: DockerodeCompilerOptions = {}): Compiler => {
  const docker = options.docker ?? new Docker();
  const ensuredVolumes = new Set<string>();

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

  return {
    compile: async ({ project, spec }: CompileRequest, onLine): Promise<CompileResult> => {
      const started = performance.now();
      let runMs = 0;
      const output: string[] = [];
      let outputChars = 0;
      const record = (line: string): void => {
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
      let container: Docker.Container | undefined;
      try {
        for (const volume of volumes) {
          if (ensuredVolumes.has(volume.name)) continue;
          await docker.createVolume({ Name: volume.name, Labels: { "dev.devloop.project": project, "dev.devloop.service": spec.service, "dev.devloop.purpose": "compile-cache" } });
          ensuredVolumes.add(volume.name);
        }
        container = await docker.createContainer({
          Image: spec.image,
          Cmd: [...spec.command],
          WorkingDir: spec.workdir,
          Env: [...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`), `DEVLOOP_OUTPUT=${spec.output}`],
          Labels: { "dev.devloop.project": project, "dev.devloop.service": spec.service, "dev.devloop.purpose": "compile" },
          AttachStdout: true,
          AttachStderr: true,
          HostConfig: {
            Mounts: [
              { Type: "bind", Source: spec.source, Target: spec.workdir, ReadOnly: true },
              ...volumes.map((v) => ({ Type: "volume" as const, Source: v.name, Target: v.target })),
            ],
          },
        });
        const attached = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
        const split = lineSplitter(record);
        const sink = new PassThrough();
        sink.on("data", (chunk: Buffer) => split.write(chunk));
        const drained = new Promise<void>((resolve) => attached.on("end", resolve).on("close", resolve).on("error", () => resolve()));
        docker.modem.demuxStream(attached, sink, sink);
        const runStarted = performance.now();
        await container.start();
        const waited = (await container.wait()) as { StatusCode?: number };
        runMs = performance.now() - runStarted;
        await Promise.race([drained, new Promise((r) => setTimeout(r, 500))]);
        split.end();
        const exitCode = waited.StatusCode ?? -1;
        if (exitCode !== 0) {
          const firstError = output.find((l) => /error|undefined|cannot|expected/i.test(l)) ?? output[0] ?? "";
          return fail(exitCode, `exit ${exitCode}${firstError === "" ? "" : `: ${firstError.trim()}`}`);
        }
        let file;
        try {
          file = await firstFile((await container.getArchive({ path: spec.output })));
        } catch (error) {
          return fail(-1, `the compiler exited 0 but left no ${spec.output} (${reason(error)})`);
        }
        if (file?.type !== "file") return fail(-1, `the compiler exited 0 but ${spec.output} is not a file`);
        return {
          ok: true,
          artifact: new Uint8Array(file.data),
          mode: file.mode & 0o7777,
          output: output.join("\n"),
          timings: { totalMs: Math.round(performance.now() - started), runMs: Math.round(runMs) },
        };
      } catch (error) {
        return fail(-1, `could not run the compiler container: ${reason(error)}`);
      } finally {
        if (container !== undefined) await container.remove({ force: true }).catch(() => undefined);
      }
    },
  };
};
