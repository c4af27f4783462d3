// The doctor's image checks against the real local Docker engine: a tiny image FROM scratch is built with
// dockerode from a tar-stream context, then measured through the dockerode ImageInspector and runDoctor.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { pack } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDockerImageInspector } from "../../src/adapters/docker-image-inspector.js";
import { nodeDoctorFileSystem } from "../../src/doctor/node-doctor-file-system.js";
import { runDoctor } from "../../src/doctor/run-doctor.js";
import { makeProject } from "../../src/doctor/testing/doctor-harness.js";

const BLOB_BYTES = 3_000_000;
const suffix = randomBytes(4).toString("hex");
const project = `doctorit${suffix}`;
/** What compose (and runDoctor by default) calls the image of service "web" of this project. */
const imageRef = `${project}-web:latest`;
/** The same image under a pinned-looking name, for an image-only service. */
const pinnedRef = `${project}-blob:1.0.0`;
/** A base image that sets a non-root user. */
const nonRootBase = `${project}-base:1.0.0`;

const buildFromScratch = async (docker: Docker, tag: string, extra = ""): Promise<void> => {
  const tar = pack();
  tar.entry({ name: "Dockerfile" }, `FROM scratch\nCOPY blob /blob\nCOPY small /small\n${extra}CMD ["/blob"]\n`);
  tar.entry({ name: "blob" }, randomBytes(BLOB_BYTES));
  tar.entry({ name: "small" }, "tiny\n");
  tar.finalize();
  const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, { t: tag, rm: true });
  const output = await new Promise<{ error?: string }[]>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, result: { error?: string }[]) => (error ? reject(error) : resolve(result)));
  });
  const failed = output.find((line) => line.error !== undefined);
  if (failed) throw new Error(`docker build ${tag} failed: ${failed.error ?? ""}`);
};

describe("doctor: image size and user from the real Docker engine", () => {
  const docker = new Docker();
  let contextDir = "";

  beforeAll(async () => {
    await buildFromScratch(docker, imageRef);
    await docker.getImage(imageRef).tag({ repo: `${project}-blob`, tag: "1.0.0" });
    await buildFromScratch(docker, nonRootBase, "USER 1000:1000\n");
    contextDir = await mkdtemp(path.join(tmpdir(), "doctor-it-"));
    await writeFile(path.join(contextDir, "Dockerfile"), 'FROM scratch\nCOPY blob /blob\nUSER 1000\nCMD ["/blob"]\n');
    await writeFile(path.join(contextDir, ".dockerignore"), ".git\n");
  });

  afterAll(async () => {
    for (const ref of [imageRef, pinnedRef, nonRootBase]) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    if (contextDir !== "") await rm(contextDir, { recursive: true, force: true });
  });

  it("measures a local image: size, user and layers", async () => {
    const info = await createDockerImageInspector({ docker }).inspect(imageRef);
    expect(info).toBeDefined();
    expect(info?.user).toBe("");
    expect(info?.sizeBytes).toBeGreaterThanOrEqual(BLOB_BYTES);
    expect(info?.sizeBytes).toBeLessThan(BLOB_BYTES + 100_000);
    const largest = [...(info?.layers ?? [])].sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
    expect(largest?.sizeBytes).toBe(BLOB_BYTES);
    expect(largest?.createdBy).toContain("COPY");
  });

  it("answers undefined for an image that is not there", async () => {
    expect(await createDockerImageInspector({ docker }).inspect(`${project}-missing:nope`)).toBeUndefined();
  });

  it("reports DL-DOCTOR-017 over the threshold for the service's kind, naming the largest layer", async () => {
    const services = { web: { build: { context: contextDir } } };
    const deps = { fs: nodeDoctorFileSystem, images: createDockerImageInspector({ docker }), thresholds: { imageBytes: { microservice: 1_000_000, monolith: 1_000_000_000, data: 1e10 } } };
    const findings = await runDoctor({ ...makeProject(services, { workingDir: contextDir }), name: project }, deps);
    expect(findings.map((finding) => finding.code)).toEqual(["DL-DOCTOR-017"]);
    expect(findings[0]?.message).toMatch(new RegExp(`^image ${project}-web is 3\\.0 MB, over ~1\\.0 MB for a microservice; largest layers: 3\\.0 MB COPY file:[0-9a-f]{12} in /blob; 5 B COPY file:[0-9a-f]{12} in /small$`));
    expect(findings[0]?.got).toBe(`${findings[0]?.got?.replace(/\D/g, "")} bytes`);

    const monolith = { web: { build: { context: contextDir }, extensions: { "x-devloop": { doctor: { kind: "monolith" } } } } };
    expect(await runDoctor({ ...makeProject(monolith, { workingDir: contextDir }), name: project }, deps)).toEqual([]);
  });

  it("reports an image-only service whose image sets no user as running as root", async () => {
    const findings = await runDoctor(makeProject({ blob: { image: pinnedRef } }), { fs: nodeDoctorFileSystem, images: createDockerImageInspector({ docker }) });
    expect(findings.map((finding) => finding.code)).toEqual(["DL-DOCTOR-001"]);
    expect(findings[0]?.message).toBe(`image ${pinnedRef} sets no user and the service has no user:, so it runs as root`);
  });

  it("DL-DOCTOR-001 looks at the base image's user when the final stage sets none", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "doctor-it-base-"));
    try {
      await writeFile(path.join(dir, ".dockerignore"), ".git\n");
      const images = createDockerImageInspector({ docker });
      const run = async (from: string): Promise<string[]> => {
        await writeFile(path.join(dir, "Dockerfile"), `FROM ${from}\nCMD ["/blob"]\n`);
        const findings = await runDoctor(makeProject({ app: { build: { context: dir } } }, { workingDir: dir }), { fs: nodeDoctorFileSystem, images });
        return findings.map((finding) => `${finding.code} ${finding.message}`);
      };
      expect(await run(nonRootBase)).toEqual([]);
      expect(await run(pinnedRef)).toEqual([`DL-DOCTOR-001 no USER in the final stage, and its base image ${pinnedRef} sets none: the container runs as root`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rewords an unreachable engine, and runDoctor skips the image checks with a note", async () => {
    const nowhere = createDockerImageInspector({ docker: new Docker({ socketPath: "/nonexistent/docker.sock" }) });
    await expect(nowhere.inspect(imageRef)).rejects.toThrow(/^Docker engine not reachable \(ENOENT\)/);
    const notes: string[] = [];
    const findings = await runDoctor(makeProject({ blob: { image: pinnedRef, user: "1" } }), { fs: nodeDoctorFileSystem, images: nowhere, onNote: (note) => notes.push(note) });
    expect(findings).toEqual([]);
    expect(notes).toHaveLength(1);
  });
});
