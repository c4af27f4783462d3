// Builds a small image on the bed's Docker engine from in-memory files (dockerode + tar-stream). Pods use it
// directly with imagePullPolicy: Never: the kubelet shares this engine, so there is no load or push step.
import { createHash } from "node:crypto";
import Docker from "dockerode";
import { pack } from "tar-stream";

export interface BuildImageParams {
  /** Repository without tag; the tag is a hash of the files, so unchanged inputs are not rebuilt. */
  readonly repository: string;
  /** Build-context files; a Buffer for binaries (e.g. a static busybox). */
  readonly files: Readonly<Record<string, string | Buffer>>;
  /** File modes in the context (default 0644), e.g. 0o755 for a binary to COPY. */
  readonly modes?: Readonly<Record<string, number>>;
  readonly buildArgs?: Readonly<Record<string, string>>;
}

export function createDocker(): Docker {
  return new Docker();
}

export async function buildImage(params: BuildImageParams, docker: Docker = createDocker()): Promise<string> {
  const hash = createHash("sha256");
  for (const [name, content] of Object.entries(params.files).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(name).update("\0").update(content).update("\0");
  }
  hash.update(JSON.stringify(params.buildArgs ?? {}));
  if (params.modes !== undefined) hash.update(JSON.stringify(params.modes));
  const tag = `${params.repository}:${hash.digest("hex").slice(0, 12)}`;
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch {
    // not built yet
  }
  const tar = pack();
  for (const [name, content] of Object.entries(params.files)) tar.entry({ name, mode: params.modes?.[name] ?? 0o644 }, content);
  tar.finalize();
  const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, {
    t: tag,
    buildargs: { ...(params.buildArgs ?? {}) },
  });
  const output = await new Promise<Array<{ error?: string; stream?: string }>>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string; stream?: string }>) =>
      err ? reject(err) : resolve(res),
    );
  });
  const failed = output.find((o) => o.error !== undefined);
  if (failed !== undefined) {
    const log = output.map((o) => o.stream ?? "").join("").split("\n").slice(-15).join("\n");
    throw new Error(`docker build ${tag} failed: ${failed.error ?? ""}\n${log}`);
  }
  return tag;
}

/** Runs `cmd` as root in a throwaway container of `image` (no entrypoint) and returns its output. */
export async function runInImage(image: string, cmd: readonly string[], docker: Docker = createDocker()): Promise<string> {
  const container = await docker.createContainer({ Image: image, Cmd: [...cmd], User: "0", Entrypoint: [], Tty: true });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true })).toString("utf8");
  } finally {
    await container.remove({ force: true });
  }
}
