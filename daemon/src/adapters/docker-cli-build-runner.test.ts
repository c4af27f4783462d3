import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { secretFiles } from "./docker-cli-build-runner.js";

describe("environment-sourced build secrets", () => {
  const dirs: string[] = [];
  const dir = async (): Promise<string> => {
    const d = await mkdtemp(path.join(tmpdir(), "devloop-secret-test-"));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("reads the variable from the environment devloop up ran in first, into a 0600 file, and masks its value", async () => {
    const { files, values } = await secretFiles("web", [{ id: "npm", environment: "NPM_TOKEN" }], dir, { NPM_TOKEN: "daemon-value" }, { NPM_TOKEN: "caller-value" });
    expect(files).toHaveLength(1);
    expect(files[0]?.id).toBe("npm");
    expect(await readFile(files[0]?.file ?? "", "utf8")).toBe("caller-value");
    expect((await stat(files[0]?.file ?? "")).mode & 0o777).toBe(0o600);
    expect(values).toEqual(["caller-value"]);
  });

  it("falls back to the daemon's environment when the caller's does not set it", async () => {
    const { files } = await secretFiles("web", [{ id: "npm", environment: "NPM_TOKEN" }], dir, { NPM_TOKEN: "daemon-value" }, { PATH: "/usr/bin" });
    expect(await readFile(files[0]?.file ?? "", "utf8")).toBe("daemon-value");
  });

  it("says where it looked when neither sets it, naming the variable and never a value", async () => {
    await expect(secretFiles("web", [{ id: "npm", environment: "NPM_TOKEN" }], dir, {}, {})).rejects.toThrow(
      'build of web: build secret "npm" reads the variable NPM_TOKEN, which is set neither in the environment devloop up ran in nor in the daemon\'s (set it and run devloop up again)',
    );
  });
});
