import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const devloop = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const run = spawnSync(process.execPath, ["bin/devloop.js", ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe("devloop render", () => {
  it("prints the example's manifests as multi-document YAML", () => {
    const run = devloop("render", "-f", "compose.example.yml", "-n", "shop-test");
    expect(run.status).toBe(0);
    const kinds = parseAllDocuments(run.stdout).map((d) => {
      const o = d.toJS() as { kind: string; metadata: { name: string } };
      return `${o.kind}/${o.metadata.name}`;
    });
    expect(kinds).toEqual([
      "Namespace/shop-test",
      "PersistentVolumeClaim/cache-data",
      "Service/api",
      "Service/cache",
      "Service/web",
      "Deployment/api",
      "Deployment/cache",
      "Deployment/web",
      "Job/migrate",
    ]);
  }, 30_000);

  it("prints a JSON List, limited to the named services and their dependencies", () => {
    const run = devloop("render", "-f", "compose.example.yml", "-n", "shop-test", "-o", "json", "migrate");
    expect(run.status).toBe(0);
    const list = JSON.parse(run.stdout) as { kind: string; items: { kind: string; metadata: { name: string } }[] };
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual(["Namespace/shop-test", "PersistentVolumeClaim/cache-data", "Service/cache", "Deployment/cache", "Job/migrate"]);
  }, 30_000);

  it("exits 1 with a located diagnostic and no stack trace for a rejected key", () => {
    const run = devloop("render", "-f", "fixtures/compose/rejected-network-mode/compose.yml");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("compose.yml:4:5: error DL-TRANSLATE-002 at services.app.network_mode");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
