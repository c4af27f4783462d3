/**
 * Image builds through the real daemon on the local cluster (the kubelet shares the bed's Docker engine): a service
 * with build: shows "building", is applied only once its image is built, and runs the content-hash tag; a reload
 * with unchanged inputs skips the build and rolls nothing; changed content rolls out the new tag; a failing build
 * says so and keeps the previous image running; a Dockerfile with heredocs builds (rewritten for 20.10's frontend).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicProject } from "../../src/api/types.js";
import { createTestDaemon, kube, nodeImage, projectDir, suffix } from "./daemon-support.js";
import { runInImage } from "./helpers/index.js";

const name = `dlbuild${suffix()}`;
const ns = `${name}-dev`;

const compose = (marker: string): string => `
name: ${name}
# ${marker}
services:
  app:
    build:
      context: ./app
      args:
        BASE: ${nodeImage}
    command: ["node", "/srv/server.js"]
  front:
    image: ${nodeImage}
    command: ["node", "-e", "setInterval(() => {}, 1000)"]
    depends_on:
      app:
        condition: service_started
`;

const dockerfile = (extra = ""): string => `ARG BASE\nFROM \${BASE}\nCOPY server.js /srv/server.js\n${extra}`;
const server = (text: string): string => `require("http").createServer((q, s) => s.end(${JSON.stringify(text)})).listen(3000);\n`;

const appOf = (p: PublicProject | undefined) => p?.services.find((s) => s.name === "app");

describe("daemon builds images before apply", () => {
  const daemon = createTestDaemon();
  const docker = new Docker();
  const { apps } = kube();
  let project: ReturnType<typeof projectDir>;
  const appDir = (): string => join(project.dir, "app");

  beforeAll(async () => {
    project = projectDir(compose("1"));
    mkdirSync(appDir());
    // A step that runs for a while, so the CLI is sure to see a build step in progress (a COPY may finish between looks);
    // named after this run, so BuildKit's cache from an earlier run on the same engine does not answer it.
    writeFileSync(join(appDir(), "Dockerfile"), dockerfile(`RUN echo ${name} && sleep 2\n`));
    writeFileSync(join(appDir(), "server.js"), server("v1"));
    await daemon.start();
  });

  afterAll(async () => {
    await daemon.cli(["down", "-p", name, "--volumes"], project.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    project.remove();
    const images = await docker.listImages({ filters: JSON.stringify({ reference: [`${name}-app`, `${name}-app-heredocs`] }) }).catch(() => []);
    // Untag (the bed's kubelet may still hold a container of it; the layers go with the next prune).
    for (const tag of images.flatMap((i) => i.RepoTags ?? [])) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  });

  it("up builds the image first, then applies the workload with the content-hash tag", async () => {
    const started = Date.now();
    const result = await daemon.cli(["up", "-d", "-n", ns, "--wait-timeout", "150"], project.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${name}: all services ready`);
    // The CLI printed the service's phases as they changed: building first, while front waited for it.
    expect(result.stdout).toMatch(new RegExp(`app\\s+building\\s+building image ${name}-app:devloop`));
    expect(result.stdout).toMatch(/front\s+waiting\s+waiting for app \(started\)/);
    // Not a terminal: a plain line per build step change (a terminal gets one live line per building service).
    expect(result.stdout).toMatch(new RegExp(`^app\\s+\\| build step 3/3 RUN echo ${name} && sleep 2: running`, "m"));
    process.stdout.write(`[build steps] ${result.stdout.split("\n").filter((l) => l.includes("build step")).join(" / ")}\n`);
    process.stdout.write(`[measure] up --detach with one image build until ready: ${Date.now() - started} ms\n`);
    const app = appOf(await daemon.project(name));
    expect(app?.build).toMatchObject({ status: "built", image: `${name}-app:devloop`, skipped: false });
    expect(app?.build?.ref).toMatch(new RegExp(`^${name}-app:dl-[0-9a-f]{12}$`));
    const deployment = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(app?.build?.ref);
    // front waited for app (service_started), app was applied only after its build.
    const front = await apps.readNamespacedDeployment({ name: "front", namespace: ns });
    expect(front.metadata?.creationTimestamp?.getTime()).toBeGreaterThanOrEqual(deployment.metadata?.creationTimestamp?.getTime() ?? Infinity);
  });

  it("a reload with unchanged inputs skips the build and rolls nothing", async () => {
    const before = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    const ref = appOf(await daemon.project(name))?.build?.ref;
    const mark = await daemon.seq();
    project.write(compose("2"));
    const p = await daemon.waitFor(name, (x) => appOf(x)?.build?.skipped === true && x?.settled === true, 30_000, "the skipped rebuild");
    expect(appOf(p)?.build?.ref).toBe(ref);
    const after = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
    // The daemon's own steps since the edit: the reload ended without applying anything (generation alone cannot
    // tell an identical apply).
    expect(await daemon.appliedSince(name, mark)).toEqual([]);
  });

  it("changed content builds a new tag and rolls the Deployment out", async () => {
    const ref = appOf(await daemon.project(name))?.build?.ref;
    const mark = await daemon.seq();
    writeFileSync(join(appDir(), "server.js"), server("v2"));
    project.write(compose("3"));
    const p = await daemon.waitFor(name, (x) => x?.settled === true && appOf(x)?.build?.ref !== ref && appOf(x)?.build?.status === "built", 120_000, "the new image to roll out");
    const deployment = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(appOf(p)?.build?.ref);
    expect(deployment.status?.updatedReplicas).toBe(1);
    // The event log check the other tests rely on sees an apply when there is one.
    expect(await daemon.appliedSince(name, mark)).toContain("app");
  });

  it("a Dockerfile with heredocs (rewritten for 20.10's frontend) builds through the daemon and its pod runs what they wrote", async () => {
    const ref = appOf(await daemon.project(name))?.build?.ref;
    const js = server("from a heredoc").trimEnd();
    writeFileSync(join(appDir(), "Dockerfile"), `ARG BASE\nFROM \${BASE}\nARG WHO=${name}\nCOPY <<EOF /srv/server.js\n${js}\nEOF\nRUN <<EOF\necho "built for $WHO" > /srv/built.txt\nEOF\n`);
    project.write(compose("5"));
    const p = await daemon.waitFor(name, (x) => x?.settled === true && appOf(x)?.build?.ref !== ref && appOf(x)?.build?.status === "built", 120_000, "the heredoc image to roll out");
    const built = appOf(p)?.build?.ref ?? "";
    const deployment = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(built);
    expect(deployment.status?.readyReplicas).toBe(1);
    expect((await runInImage(built, ["sh", "-c", "cat /srv/built.txt /srv/server.js"])).replace(/\r\n/g, "\n")).toBe(`built for ${name}\n${js}\n`);
  });

  it("a daemon killed with -9 resumes without rebuilding or re-applying", async () => {
    const before = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    const ref = appOf(await daemon.project(name))?.build?.ref;
    await daemon.kill9();
    await daemon.start();
    const p = await daemon.waitFor(name, (x) => x?.settled === true && appOf(x)?.build?.skipped === true, 60_000, "the restarted daemon to settle");
    expect(appOf(p)?.build?.ref).toBe(ref);
    const after = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    expect(`${after.metadata?.uid}:${after.metadata?.generation}`).toBe(`${before.metadata?.uid}:${before.metadata?.generation}`);
    // The restarted daemon's event log from its start: nothing applied (uid and generation survive an identical apply).
    expect(await daemon.appliedSince(name, 0)).toEqual([]);
  });

  it("a failing build says which step failed and keeps the previous image running", async () => {
    const ref = appOf(await daemon.project(name))?.build?.ref;
    writeFileSync(join(appDir(), "Dockerfile"), dockerfile("RUN echo about to fail && exit 3\n"));
    project.write(compose("4"));
    const p = await daemon.waitFor(name, (x) => appOf(x)?.build?.status === "failed", 120_000, "the failed build");
    const app = appOf(p);
    expect(app?.build?.error).toContain("build of app failed");
    expect(app?.build?.tail.join("\n")).toContain("about to fail");
    // The failing step, and its output, in what up --detach and status print.
    expect(app?.build?.error).toMatch(/^build of app failed at step 3\/3 \(RUN echo about to fail && exit 3\): the command exited with code 3\n {2}\| about to fail/);
    const up = await daemon.cli(["up", "-d", "-n", ns, "--wait-timeout", "60"], project.dir, 90_000);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("app: image build failed (the previous image keeps running): build of app failed at step 3/3 (RUN echo about to fail && exit 3)");
    expect(app?.message).toMatch(/^image build failed: build of app failed.*\(running the previous image\)$/);
    expect(app?.build?.ref).toBe(ref);
    const status = await daemon.cli(["status"], project.dir);
    expect(status.stdout).toContain("image build failed");
    const deployment = await apps.readNamespacedDeployment({ name: "app", namespace: ns });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(ref);
  });
});
