// Image builds against the real Docker engine (the bed's kubelet shares it: delivery "docker"), with BuildKit through
// the Docker CLI devloop finds (Debian's docker.io 20.10 with DOCKER_BUILDKIT=1 on the bed). example/web is built
// from a temp copy with the bed's NODE_IMAGE: content-hash tag, skip on a second build, new tag after an edit,
// .dockerignore respected, build options (labels, tags, extra_hosts, shm_size, ulimits, no_cache, pull) as the
// engine applies them, and a failing RUN reworded to its step and output.
import { randomBytes } from "node:crypto";
import { appendFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDockerCliBuildRunner } from "../../src/adapters/docker-cli-build-runner.js";
import { createDockerodeImageBuilder } from "../../src/adapters/dockerode-image-builder.js";
import { bedImages, runInImage } from "./helpers/index.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const suffix = randomBytes(3).toString("hex");
const repository = `dlbuildit${suffix}-web`;
const docker = new Docker();
const builder = createDockerodeImageBuilder({ docker });


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
    expect(lines.some((l) => l.startsWith("building ") && l.includes("with BuildKit"))).toBe(true);
    expect(lines.some((l) => /^\[1\/\d+\] FROM /.test(l))).toBe(true);
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

  it("sets build.labels on the image, tags build.tags, and runs the RUN steps with extra_hosts, shm_size and ulimits", async () => {
    const image = `dlbuildit${suffix}-opts:devloop`;
    const extraTag = `dlbuildit${suffix}-extra:1.0`;
    created.add(image).add(extraTag);
    const optsRequest = {
      ...request(),
      service: "opts",
      image,
      dockerfileInline: `FROM ${bedImages().runtime}\nRUN sh -c 'ulimit -n; grep -c db.devloop.test /etc/hosts; df -k /dev/shm | tail -1' > /build-facts\n`,
      labels: { "com.example.team": `shop-${suffix}` },
      extraHosts: ["db.devloop.test:10.1.2.3"],
      shmSize: 96 * 1024 * 1024,
      ulimits: [{ name: "nofile", soft: 4242, hard: 4343 }],
      tags: [extraTag],
    };
    const optsLines: string[] = [];
    const built = await builder.build(optsRequest, (l) => optsLines.push(l));
    created.add(built.tag);
    const inspected = await docker.getImage(built.tag).inspect();
    expect(inspected.Config.Labels).toMatchObject({ "com.example.team": `shop-${suffix}`, "dev.devloop.service": "opts" });
    expect((await docker.getImage(extraTag).inspect()).Id).toBe(inspected.Id);
    const [nofile, hosts, shm] = (await runInImage(built.tag, ["cat", "/build-facts"])).trim().split(/\r?\n/);
    // BuildKit applies --ulimit to RUN steps from v0.10 (buildx / Docker 23+); the 20.10 engine's BuildKit keeps its
    // defaults, and the build says so.
    const cli = await createDockerCliBuildRunner().cli();
    if (cli.kind === "buildx") expect(nofile).toBe("4242");
    else expect(nofile).not.toBe("4242");
    if (cli.kind !== "buildx") expect(optsLines.some((l) => l.startsWith("ulimits nofile=4242:4343: "))).toBe(true);
    expect(hosts).toBe("1");
    // shm_size likewise (BuildKit 0.10+); the 20.10 engine's BuildKit gives RUN steps its 64 MiB /dev/shm.
    if (cli.kind === "buildx") expect(shm?.split(/\s+/)[1]).toBe(String(96 * 1024));
    else expect(optsLines.some((l) => l.startsWith("shm_size 100663296: "))).toBe(true);
    // A skip still applies the extra tag.
    await docker.getImage(extraTag).remove();
    expect((await builder.build(optsRequest, () => undefined)).skipped).toBe(true);
    expect((await docker.getImage(extraTag).inspect()).Id).toBe(inspected.Id);
  });

  it("no_cache builds once without the layer cache (a new tag), then an unchanged context skips again", async () => {
    const image = `dlbuildit${suffix}-nocache:devloop`;
    created.add(image);
    const cacheRequest = { ...request(), service: "nocache", image, dockerfileInline: `FROM ${bedImages().runtime}\nRUN echo step > /step\nCOPY config /cfg\n` };
    const plain = await builder.build(cacheRequest, () => undefined);
    const labelledLines: string[] = [];
    // A label is a new tag too, and the unchanged RUN step comes from the cache …
    const labelled = await builder.build({ ...cacheRequest, labels: { variant: "cached" } }, (l) => labelledLines.push(l));
    const uncachedLines: string[] = [];
    // … while no_cache sends nocache: every step runs again.
    const uncached = await builder.build({ ...cacheRequest, labels: { variant: "cached" }, noCache: true }, (l) => uncachedLines.push(l));
    created.add(plain.tag).add(labelled.tag).add(uncached.tag);
    expect(new Set([plain.tag, labelled.tag, uncached.tag]).size).toBe(3);
    expect(labelledLines.some((l) => /^\[2\/\d+\] RUN echo step.* CACHED$/.test(l))).toBe(true);
    expect(uncached.skipped).toBe(false);
    expect(uncachedLines.some((l) => /^\[2\/\d+\] RUN echo step/.test(l))).toBe(true);
    expect(uncachedLines.some((l) => /RUN echo step.* CACHED$/.test(l))).toBe(false);
    const again = await builder.build({ ...cacheRequest, labels: { variant: "cached" }, noCache: true }, () => undefined);
    expect(again).toMatchObject({ tag: uncached.tag, skipped: true });
  });

  it("pull sends pull: the FROM image is pulled, so a local-only base fails the build that works without it", async () => {
    const base = `dlbuildit${suffix}-base`;
    await docker.getImage(bedImages().runtime).tag({ repo: base, tag: "local" });
    created.add(`${base}:local`);
    const pullRequest = { ...request(), service: "pull", image: `dlbuildit${suffix}-pull:devloop`, dockerfileInline: `FROM ${base}:local\nLABEL pulled=maybe\n` };
    created.add(pullRequest.image);
    const local = await builder.build(pullRequest, () => undefined);
    created.add(local.tag);
    const error = await builder.build({ ...pullRequest, pull: true }, () => undefined).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    // Offline the registry lookup fails; online the image does not exist there. Either way the engine tried to pull.
    expect(error?.message).toMatch(new RegExp(`^build of pull failed at load metadata for docker.io/library/${base}:local: .*(pull access denied|repository does not exist|not found|no such host|registry-1\\.docker\\.io)`));
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
