/**
 * Issue 14: one `devloop up` of the example reads each file once and runs the doctor once — POST /api/projects
 * waits for the config controller's load and makes it the project's, instead of loading on its own first.
 */
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createApplyController } from "../engine/controllers/apply-controller.js";
import { createConfigController } from "../engine/controllers/config-controller.js";
import { createEngine, type Engine } from "../engine/engine.js";
import { createLogger } from "../log/logger.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createFakeCluster } from "../ports/fakes/fake-cluster.js";
import { createFakeDoctor } from "../ports/fakes/fake-doctor.js";
import { createApp } from "../server/app.js";
import { nodeProjectFiles } from "./node-project-files.js";
import { cachedProjectAssets } from "./project-assets.js";
import type { ProjectFiles } from "./project-files.js";
import { createProjectLoader } from "./project-loader.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const token = "t".repeat(64);
const assets = cachedProjectAssets();

/** The disk, counting each path's reads. */
const countingFiles = (): ProjectFiles & { readonly reads: Map<string, number> } => {
  const reads = new Map<string, number>();
  return {
    reads,
    readFile(file) {
      reads.set(path.relative(root, file), (reads.get(path.relative(root, file)) ?? 0) + 1);
      return nodeProjectFiles.readFile(file);
    },
    exists: (file) => nodeProjectFiles.exists(file),
    isFile: (file) => nodeProjectFiles.isFile(file),
  };
};

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

const daemon = async () => {
  const files = countingFiles();
  const doctor = createFakeDoctor();
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const engine = createEngine({ clock, controllers: [createConfigController({ loader: createProjectLoader({ files, assets, doctor }) }), createApplyController({ cluster, clock })] });
  const app = createApp({ engine, cluster, token, daemon: { pid: 1, startedAt: 0, version: "test" }, log: createLogger({ scope: "test" }) });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  closers.push(() => server.close());
  const url = (route: string): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}${route}`;
  const get = async (route: string): Promise<unknown> => (await fetch(url(route), { headers: { authorization: `Bearer ${token}` } })).json();
  const up = async (services: string[] = []): Promise<Response> =>
    fetch(url("/api/projects"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ options: { files: ["compose.example.yml"], profiles: [], envFiles: [], services, environment: { DEVLOOP_USER: "t" }, cwd: root }, isolation: false }),
    });
  return { files, doctor, cluster, engine, up, get };
};

const applied = (engine: Engine, cluster: ReturnType<typeof createFakeCluster>): Promise<void> =>
  new Promise((resolve) => {
    const done = (): boolean => cluster.applied.length > 0 && engine.getState().projects["shop"]?.status === "active";
    if (done()) return resolve();
    const stop = engine.store.subscribe(() => {
      if (!done()) return;
      stop();
      resolve();
    });
  });

describe("one up of the example", () => {
  it("reads each compose file (and every other file) once and runs the doctor once, from the request to the applied manifests", async () => {
    const { files, doctor, cluster, engine, up, get } = await daemon();
    const res = await up();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, project: "shop", namespace: "shop-t" });
    await applied(engine, cluster);
    expect(files.reads.get("compose.example.yml")).toBe(1);
    expect(files.reads.get(".env")).toBe(1);
    expect([...files.reads].filter(([, n]) => n !== 1)).toEqual([]);
    expect(doctor.checked).toHaveLength(1);
    // The load the server waited for is the project's: its translation view and profiles are in the store.
    const loaded = engine.getState().projects["shop"]?.loaded;
    expect(loaded?.translation?.some((e) => e.service === "web")).toBe(true);
    expect(loaded?.profiles).toEqual(["debug", "tools"]);
    // …and the dashboard's routes answer from it, reading no file again.
    const reads = [...files.reads];
    expect(await get("/api/projects/shop/profiles")).toEqual({ available: ["debug", "tools"], active: [] });
    expect(await get("/api/projects/shop/translation")).toMatchObject({ namespace: "shop-t", entries: loaded?.translation });
    expect([...files.reads]).toEqual(reads);
  });

  it("with services named (up web) still reads each file once: the whole-file load for one-shot waiters sees the same bytes", async () => {
    const { files, doctor, cluster, engine, up } = await daemon();
    expect((await up(["web"])).status).toBe(200);
    await applied(engine, cluster);
    expect([...files.reads].filter(([, n]) => n !== 1)).toEqual([]);
    expect(files.reads.get("compose.example.yml")).toBe(1);
    expect(doctor.checked).toHaveLength(1);
  });
});
