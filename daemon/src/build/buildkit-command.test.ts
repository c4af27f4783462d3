import { describe, expect, it } from "vitest";
import { buildKitArgv, buildKitEnvironment } from "./buildkit-command.js";
import type { BuildKitCli } from "./buildkit-command.js";

const legacy: BuildKitCli = { docker: "/usr/bin/docker", kind: "legacy", version: "20.10.24" };
const buildx: BuildKitCli = { docker: "/usr/local/bin/docker", kind: "buildx", version: "28.2.2" };
const request = {
  service: "web",
  image: "shop-web:devloop",
  context: "/p/web",
  dockerfile: "Dockerfile",
  args: { NODE_ENV: "development" },
  target: "dev",
  labels: { team: "shop" },
  cacheFrom: ["shop-web:cache"],
  cacheTo: ["type=local,dest=/tmp/c"],
  network: "host",
  extraHosts: ["db:10.0.0.5"],
  shmSize: 1024,
  ulimits: [{ name: "nofile", soft: 10, hard: 20 }],
  noCache: true,
  pull: true,
  platform: "linux/amd64",
  ssh: ["default"],
  secrets: [{ id: "npmrc", environment: "NPM_TOKEN" }],
};

describe("buildKitArgv", () => {
  it("maps every build key to the docker build flag, plain progress, secrets as files", () => {
    const argv = buildKitArgv(legacy, { request, tag: "shop-web:dl-abc", dockerfile: "docker/Dockerfile", inline: false, secrets: [{ id: "npmrc", file: "/tmp/x/npmrc" }] });
    expect(argv).toEqual([
      "/usr/bin/docker", "build", "--progress=plain", "-t", "shop-web:dl-abc", "-f", "/p/web/docker/Dockerfile",
      "--build-arg", "NODE_ENV=development", "--target", "dev", "--label", "team=shop", "--label", "dev.devloop.service=web",
      "--cache-from", "shop-web:cache", "--network", "host", "--add-host", "db:10.0.0.5", "--shm-size", "1024",
      "--ulimit", "nofile=10:20", "--no-cache", "--pull", "--platform", "linux/amd64", "--secret", "id=npmrc,src=/tmp/x/npmrc",
      "--ssh", "default", "/p/web",
    ]);
    expect(buildKitEnvironment(legacy)).toEqual({ DOCKER_BUILDKIT: "1" });
  });

  it("with buildx: buildx build --load, --cache-to and --build-context; the Dockerfile on stdin when inline", () => {
    const argv = buildKitArgv(buildx, { request, tag: "t", dockerfile: "Dockerfile", inline: true, secrets: [], buildContexts: { shared: "/p/shared" } });
    expect(argv.slice(0, 4)).toEqual(["/usr/local/bin/docker", "buildx", "build", "--load"]);
    expect(argv.join(" ")).toContain("-f - ");
    expect(argv.join(" ")).toContain("--cache-to type=local,dest=/tmp/c");
    expect(argv.join(" ")).toContain("--build-context shared=/p/shared");
    expect(buildKitEnvironment(buildx)).toEqual({});
  });

  it("never carries a secret value or variable name, only the id and a file", () => {
    const argv = buildKitArgv(legacy, { request, tag: "t", dockerfile: "Dockerfile", inline: false, secrets: [{ id: "npmrc", file: "/tmp/x/npmrc" }] });
    expect(argv.join(" ")).not.toContain("NPM_TOKEN");
  });
});
