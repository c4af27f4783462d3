import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
    // network_mode is translated now (sidecars); joining two pods at once is still an error (a service that does not
    // exist is refused by the loader: fixtures/invalid/undefined-service-mode).
    const run = devloop("render", "-f", "fixtures/compose/join-errors/compose.yml");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("compose.yml:10:20: error DL-TRANSLATE-023 at services.torn.volumes_from[0]");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("--as-applied adds what up applies: isolation defaults, devloop's labels and hashes, and says what a build replaces", () => {
    const run = spawnSync(process.execPath, ["bin/devloop.js", "render", "--as-applied", "-f", "compose.example.yml", "-n", "shop-test"], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DEVLOOP_STATE_DIR: "/nonexistent/devloop-render-test" } });
    expect(run.status).toBe(0);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> });
    expect(docs[0]?.kind).toBe("Namespace");
    const limitRange = docs.find((d) => d.kind === "LimitRange");
    expect(limitRange?.spec).toEqual({ limits: [{ type: "Container", default: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "50m", memory: "64Mi" }, max: { cpu: "4", memory: "8Gi" } }] });
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(["NetworkPolicy", "ResourceQuota"]));
    const web = docs.find((d) => d.kind === "Deployment" && d.metadata.name === "web");
    expect(web?.metadata.labels).toMatchObject({ "devloop.dev/project": "shop", "devloop.dev/service": "web", "app.kubernetes.io/managed-by": "devloop" });
    const hash = web?.metadata.annotations?.["devloop.dev/input-hash"];
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect((web?.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations["devloop.dev/input-hash"]).toBe(hash);
    expect(run.stderr).toContain("note: web: image shop-web:devloop is replaced at apply by its content-hash tag (shop-web:dl-<12 hex>) and its command completed from the image's ENTRYPOINT/CMD under the supervisor");
    const plain = spawnSync(process.execPath, ["bin/devloop.js", "render", "--as-applied", "--no-isolation", "-f", "compose.example.yml", "-n", "shop-test"], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DEVLOOP_STATE_DIR: "/nonexistent/devloop-render-test" } });
    expect(plain.stdout).not.toContain("kind: LimitRange");
  }, 30_000);

  it("--as-applied folds devloop-bind into the app container where its command line is known, and keeps it where not", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "devloop-render-bind-"));
    try {
      writeFileSync(path.join(dir, "compose.yml"), ["services:", "  known:", "    image: node:20", "    entrypoint: [node]", "    command: [server.js]", "    volumes: ['.:/app']", "  unknown:", "    image: node:20", "    command: [node, server.js]", "    volumes: ['.:/app']", ""].join("\n"));
      const env = { ...process.env, NO_COLOR: "1", DEVLOOP_STATE_DIR: "/nonexistent/devloop-render-test" };
      type Pod = { initContainers?: { name: string }[]; containers: { command?: string[]; args?: string[]; startupProbe?: unknown }[] };
      let stderr = "";
      const pods = (args: string[]): Record<string, Pod> => {
        const run = spawnSync(process.execPath, [path.join(REPO, "bin/devloop.js"), "render", ...args, "-n", "bind-test"], { cwd: dir, encoding: "utf8", env });
        expect(run.status, run.stderr).toBe(0);
        stderr = run.stderr;
        const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: { template: { spec: Pod } } });
        return Object.fromEntries(docs.filter((d) => d.kind === "Deployment").map((d) => [d.metadata.name, d.spec.template.spec]));
      };
      const applied = pods(["--as-applied"]);
      expect(applied["known"]?.initContainers?.map((c) => c.name) ?? []).not.toContain("devloop-bind");
      expect(applied["known"]?.containers[0]?.command?.[3]).toBe("devloop-bind");
      expect(applied["known"]?.containers[0]?.args).toEqual(["node", "server.js"]);
      expect(applied["known"]?.containers[0]?.startupProbe).toBeDefined();
      expect(stderr).toContain("unknown: devloop-bind is folded into its container at apply when the cluster runs on the local Docker engine and node:20 is there");
      // An image devloop did not build, without an entrypoint: render cannot read its ENTRYPOINT, the init container
      // stays here, and a note says when the apply folds it (engine/bind-wait.ts).
      expect(applied["unknown"]?.initContainers?.map((c) => c.name)).toContain("devloop-bind");
      // Plain render shows what translate writes: devloop-bind for both.
      expect(pods([])["known"]?.initContainers?.map((c) => c.name)).toContain("devloop-bind");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("--as-applied folds a sidecar's own devloop-bind (renamed in its host's pod) into the sidecar's container", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "devloop-render-sidecar-"));
    try {
      writeFileSync(path.join(dir, "compose.yml"), ["services:", "  web:", "    image: node:20", "    entrypoint: [node]", "    command: [server.js]", "    volumes: ['./web:/app']", "  proxy:", "    image: nginx:1.25", "    entrypoint: [nginx, -g, 'daemon off;']", "    network_mode: service:web", "    volumes: ['./conf:/etc/nginx/conf.d']", ""].join("\n"));
      const env = { ...process.env, NO_COLOR: "1", DEVLOOP_STATE_DIR: "/nonexistent/devloop-render-test" };
      const run = spawnSync(process.execPath, [path.join(REPO, "bin/devloop.js"), "render", "--as-applied", "-n", "side-test"], { cwd: dir, encoding: "utf8", env });
      expect(run.status, run.stderr).toBe(0);
      type Pod = { initContainers?: { name: string }[]; containers: { name: string; command?: string[]; args?: string[]; startupProbe?: unknown; volumeMounts?: { mountPath: string }[] }[] };
      const web = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: { template: { spec: Pod } } }).find((d) => d.kind === "Deployment" && d.metadata.name === "web");
      const pod = web?.spec.template.spec;
      expect((pod?.initContainers ?? []).map((c) => c.name).filter((n) => n.startsWith("devloop-bind"))).toEqual([]);
      const proxy = pod?.containers.find((c) => c.name === "proxy");
      expect(proxy?.command?.[3]).toBe("devloop-bind");
      expect(proxy?.args).toEqual(["nginx", "-g", "daemon off;"]);
      expect(proxy?.volumeMounts?.map((m) => m.mountPath)).toContain("/.devloop-bind");
      expect(pod?.containers.find((c) => c.name === "web")?.args).toEqual(["node", "server.js"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
