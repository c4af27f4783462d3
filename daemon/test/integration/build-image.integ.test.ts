// Image builds against the real Docker engine (the bed's kubelet shares it: delivery "docker"). example/web is built
// from a temp copy with the bed's NODE_IMAGE: content-hash tag, skip on a second build, new tag after an edit,
// .dockerignore respected, and a failing RUN reworded to its step and output.
import { randomBytes } from "node:crypto";
import { appendFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDockerodeImageBuilder } from "../../src/adapters/dockerode-image-builder.js";
import { bedImages } from "./helpers/index.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const suffix = randomBytes(3).toString("hex");
const repository = `dlbuildit${suffix}-web`;
const docker = new Docker();
const builder = createDockerodeImageBuilder({ docker });

const runInImage = async (image: string, cmd: string[]): Promise<string> => {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, User: "0", Entrypoint: [], Tty: true });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true })).toString("utf8");
  } finally {
    await container.remove({ force: true });
  }
};

describe("dockerode image builder on the real Docker engine", () => {
  let context = "";
  const created = new Set<string>();
  const request = () => ({
    service: "web",
    image: `${repository}:devloop`,
    context,
    dockerfile: "Dockerfile",
    args: { NODE_IMAGE: bedImages().node },
  });

  beforeAll(async () => {
    context = await mkdtemp(path.join(tmpdir(), "devloop-build-it-"));
    await cp(path.join(repoRoot, "example/web"), context, { recursive: true });
    // An ignored file that the Dockerfile's COPY src would otherwise take. (The example's own "*.test.js" only
    // matches at the context root: Docker anchors .dockerignore patterns there.)
    await appendFile(path.join(context, ".dockerignore"), "\nsrc/**/*.local.js\n");
    await writeFile(path.join(context, "src/ignored.local.js"), "this must not reach the image\n");
  });

  afterAll(async () => {
    for (const ref of [...created, `${repository}:devloop`]) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    await rm(context, { recursive: true, force: true });
  });

  it("builds with a content-hash tag, then skips an unchanged context", async () => {
    const lines: string[] = [];
    const first = await builder.build(request(), (l) => lines.push(l));
    created.add(first.tag);
    expect(first.tag).toMatch(new RegExp(`^${repository}:dl-[0-9a-f]{12}$`));
    expect(first.ref).toBe(first.tag);
    expect(first.skipped).toBe(false);
    expect(lines.some((l) => l.startsWith("Step 1/"))).toBe(true);
    expect(await builder.exists(first.tag)).toBe(true);
    expect(await builder.exists(`${repository}:devloop`)).toBe(true);

    const second = await builder.build(request(), () => undefined);
    expect(second).toMatchObject({ tag: first.tag, skipped: true });
    console.log(`build example/web: first ${first.ms} ms (built), second ${second.ms} ms (skipped)`);
  });

  it("gives a new tag after a context edit, and leaves .dockerignore'd files out of the image", async () => {
    const before = await builder.build(request(), () => undefined);
    await writeFile(path.join(context, "src/extra.js"), `export const extra = "${suffix}";\n`);
    const after = await builder.build(request(), () => undefined);
    created.add(after.tag);
    expect(after.tag).not.toBe(before.tag);
    expect(after.skipped).toBe(false);
    const listing = await runInImage(after.tag, ["ls", "/app/src"]);
    expect(listing).toContain("extra.js");
    expect(listing).toContain("server.js");
    expect(listing).not.toContain("ignored.local.js");
  });

  it("under the kind strategy, loads the built image into the cluster's nodes (command recorded, not run)", async () => {
    const calls: (readonly string[])[] = [];
    const kindBuilder = createDockerodeImageBuilder({
      docker,
      delivery: { strategy: "kind", cluster: "dev", reason: "test" },
      runCommand: (argv) => {
        calls.push(argv);
        return Promise.resolve({ code: 0, output: "" });
      },
    });
    const result = await kindBuilder.build(request(), () => undefined);
    expect(calls).toEqual([["kind", "load", "docker-image", result.tag, "--name", "dev"]]);
    const failing = createDockerodeImageBuilder({
      docker,
      delivery: { strategy: "kind", cluster: "dev", reason: "test" },
      runCommand: () => Promise.resolve({ code: 1, output: 'ERROR: no nodes found for cluster "dev"' }),
    });
    await expect(failing.build(request(), () => undefined)).rejects.toThrow(/^load image of web into kind cluster "dev": .* exited 1: ERROR: no nodes found/);
  });

  it("builds from dockerfile_inline text, its text part of the tag", async () => {
    const inlineRequest = (marker: string) => ({
      ...request(),
      service: "inline",
      image: `dlbuildit${suffix}-inline:devloop`,
      dockerfileInline: `FROM ${bedImages().runtime}\nCOPY config /cfg\nLABEL marker=${marker}\n`,
    });
    const a = await builder.build(inlineRequest("a"), () => undefined);
    const b = await builder.build(inlineRequest("b"), () => undefined);
    created.add(a.tag).add(b.tag).add(`dlbuildit${suffix}-inline:devloop`);
    expect(a.tag).not.toBe(b.tag);
    expect(await runInImage(b.tag, ["ls", "/cfg"])).toContain("settings.json");
  });

  it("rewords a failing build: the step and its output, no stack", async () => {
    const broken = await mkdtemp(path.join(tmpdir(), "devloop-build-broken-"));
    try {
      await writeFile(path.join(broken, "Dockerfile"), `FROM ${bedImages().runtime}\nRUN echo preparing && echo "no such tool" >&2 && exit 3\n`);
      const error = await builder
        .build({ service: "broken", image: `dlbuildit${suffix}-broken:devloop`, context: broken, dockerfile: "Dockerfile", args: {} }, () => undefined)
        .then(() => undefined, (e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect(error?.message).toMatch(/^build of broken failed at step 2\/\d+ \(RUN echo preparing/);
      expect(error?.message).toContain("exited with code 3");
      expect(error?.message).toContain("no such tool");
      expect(error?.message).not.toMatch(/\n\s+at /);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
