/**
 * up --no-build on the bed, Compose's "don't build an image, even if it's missing": with no image of a build:
 * service the up fails naming it; after `devloop build` it runs that image; after a change to the build context it
 * still builds nothing and keeps running the image that exists (the service's name's tag, which every build sets).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, freePort, kube, nodeImage, projectDir, suffix } from "./daemon-support.js";

const name = `dlnobuild${suffix()}`;
const ns = `${name}-ns`;

describe("up --no-build", () => {
  const daemon = createTestDaemon();
  // The pod runs on the node whose engine has the image: no registry push on a two-node bed either.
  Object.assign(daemon.env, { DEVLOOP_IMAGE_DELIVERY: "docker" });
  let port = 0;
  let project: ReturnType<typeof projectDir>;
  const { apps } = kube();
  const server = (text: string): void =>
    writeFileSync(join(project.dir, "web", "server.js"), `require("http").createServer((q, s) => s.end(${JSON.stringify(text)})).listen(3000);\n`);

  beforeAll(async () => {
    port = await freePort();
    project = projectDir(`name: ${name}\nservices:\n  web:\n    build: ./web\n    ports: ["${port}:3000"]\n`);
    mkdirSync(join(project.dir, "web"));
    writeFileSync(join(project.dir, "web", "Dockerfile"), `FROM ${nodeImage}\nCOPY server.js /server.js\nCMD ["node", "/server.js"]\n`);
    server("first");
    await daemon.start();
  });

  afterAll(async () => {
    await daemon.cli(["down", "-p", name, "-n", ns, "--volumes"], project.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await kube().core.deleteNamespace({ name: ns }).catch(() => undefined);
    spawnSync("sh", ["-c", `docker images --format '{{.Repository}}:{{.Tag}}' | grep '^${name}-' | xargs -r docker rmi -f`]);
    project.remove();
  });

  it("fails the service, named, when no image of it exists; builds nothing", async () => {
    const up = await daemon.cli(["-n", ns, "up", "-d", "--no-build", "--wait-timeout", "120"], project.dir, 150_000);
    expect(up.code, up.stdout).toBe(1);
    expect(`${up.stdout}${up.stderr}`).toContain(`web: up --no-build, and no image of it exists: neither ${name}-web:dl-`);
    expect(spawnSync("docker", ["images", "-q", `${name}-web`], { encoding: "utf8" }).stdout.trim()).toBe("");
  });

  it("runs the image devloop build made, and after a context change still builds nothing and keeps it", async () => {
    const build = await daemon.cli(["build", "-q"], project.dir, 170_000);
    expect(build.code, build.stderr).toBe(0);
    const built = build.stdout.trim();
    const up = await daemon.cli(["-n", ns, "up", "-d", "--no-build", "--wait-timeout", "150"], project.dir, 170_000);
    expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("first");
    const image = async (): Promise<string | undefined> => (await apps.readNamespacedDeployment({ name: "web", namespace: ns })).spec?.template.spec?.containers[0]?.image;
    expect(await image()).toBe(built);

    server("second");
    const again = await daemon.cli(["-n", ns, "up", "-d", "--no-build", "--wait-timeout", "150"], project.dir, 170_000);
    expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
    // Nothing was built: the only image of the service is the one devloop build made (and its name's tag).
    const tags = spawnSync("docker", ["images", "--format", "{{.Tag}}", `${name}-web`], { encoding: "utf8" }).stdout.trim().split("\n").sort();
    expect(tags).toEqual(["devloop", built.slice(built.indexOf(":") + 1)].sort());
    expect(await image()).toBe(`${name}-web:devloop`);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("first");
  });
});
