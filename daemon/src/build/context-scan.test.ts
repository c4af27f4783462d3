import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTag } from "./content-tag.js";
import { scanContext } from "./context-scan.js";

describe("scanContext on a real directory", () => {
  let root = "";
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "devloop-scan-"));
    await mkdir(path.join(root, "src"));
    await mkdir(path.join(root, "node_modules/dep"), { recursive: true });
    await writeFile(path.join(root, "Dockerfile"), "FROM scratch\n");
    await writeFile(path.join(root, ".dockerignore"), "node_modules\nDockerfile\n");
    await writeFile(path.join(root, "src/run.sh"), "#!/bin/sh\n");
    await chmod(path.join(root, "src/run.sh"), 0o755);
    await writeFile(path.join(root, "node_modules/dep/index.js"), "x");
    await symlink("run.sh", path.join(root, "src/link"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("walks what Docker sends, with modes, link targets and digests", async () => {
    const scanned = await scanContext(root, "Dockerfile");
    expect(scanned.entries.map((e) => [e.path, e.kind])).toEqual([
      [".dockerignore", "file"],
      ["Dockerfile", "file"],
      ["src", "dir"],
      ["src/link", "symlink"],
      ["src/run.sh", "file"],
    ]);
    expect(scanned.entries.find((e) => e.path === "src/run.sh")?.mode).toBe(0o755);
    expect(scanned.entries.find((e) => e.path === "src/link")?.linkTarget).toBe("run.sh");
  });

  it("a touch or an edit under an ignored directory keeps the tag, an edit changes it", async () => {
    const tagOf = async (): Promise<string> => contentTag({ repository: "r", entries: (await scanContext(root, "Dockerfile")).entries, dockerfile: "Dockerfile", args: {} });
    const before = await tagOf();
    await writeFile(path.join(root, "src/run.sh"), "#!/bin/sh\n");
    expect(await tagOf()).toBe(before);
    await writeFile(path.join(root, "src/run.sh"), "#!/bin/sh\necho hi\n");
    const edited = await tagOf();
    expect(edited).not.toBe(before);
    await writeFile(path.join(root, "node_modules/dep/index.js"), "changed");
    expect(await tagOf()).toBe(edited);
  });

  it("uses <Dockerfile>.dockerignore beside a named Dockerfile instead of .dockerignore (BuildKit)", async () => {
    await mkdir(path.join(root, "docker"), { recursive: true });
    await writeFile(path.join(root, "docker/app.Dockerfile"), "FROM scratch\n");
    await writeFile(path.join(root, "docker/app.Dockerfile.dockerignore"), "src\n");
    const named = await scanContext(root, "docker/app.Dockerfile");
    expect(named.ignoreFile).toBe("docker/app.Dockerfile.dockerignore");
    expect(named.entries.map((e) => e.path)).toContain("node_modules/dep/index.js");
    expect(named.entries.map((e) => e.path)).not.toContain("src/run.sh");
    const inline = await scanContext(root, "docker/app.Dockerfile", true);
    expect(inline.ignoreFile).toBe(".dockerignore");
    await rm(path.join(root, "docker"), { recursive: true, force: true });
  });
});
