import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Action } from "../../engine/actions.js";
import { shopProject } from "../../engine/controllers/test-project.js";
import { createEngine } from "../../engine/engine.js";
import { createLogger } from "../../log/logger.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createApp } from "../app.js";

const token = "t".repeat(64);

const call = (port: number, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path, headers: { "content-type": "application/json", host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || "{}") as Record<string, unknown> }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

const live = { service: "web", container: "web", rules: [], restart: "supervisor", seededDirs: [] };

/** A daemon API whose engine has the shop project loaded (web with live rules; api, cache, migrate without). */
const start = async () => {
  const engine = createEngine({ clock: createFakeClock(), controllers: [] });
  const seen: Action[] = [];
  engine.store.subscribe((_s, actions) => seen.push(...actions));
  const app = createApp({ engine, cluster: createFakeCluster(), token, daemon: { pid: 1, startedAt: 0, version: "test" }, log: createLogger({ scope: "test" }) });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  servers.push(server);
  const loaded = { ...shopProject(), live: { web: live } } as unknown as ReturnType<typeof shopProject>;
  engine.dispatch({ type: "projectRequested", request: { name: "shop", options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, isolation: true } });
  engine.dispatch({ type: "projectLoaded", project: "shop", generation: 1, loaded, hashes: {} });
  await engine.store.settle();
  seen.length = 0;
  return { port: (server.address() as AddressInfo).port, engine, seen };
};

const auth = { authorization: `Bearer ${token}` };

describe("restart / resync / rebuild endpoints", () => {
  it("dispatch the live loop's requests and answer 202 with what was asked", async () => {
    const { port, engine, seen } = await start();
    const restart = await call(port, "/api/projects/shop/restart", auth, { service: "web" });
    expect(restart.status).toBe(202);
    expect(restart.json).toEqual({ ok: true, project: "shop", action: "restart", service: "web", services: ["web"] });
    const all = await call(port, "/api/projects/shop/restart", auth, {});
    expect(all.json).toMatchObject({ action: "restart", services: ["web", "api", "cache", "migrate"], note: "api, cache, migrate: no live rules, so the pods are replaced" });
    const resync = await call(port, "/api/projects/shop/resync", auth);
    expect(resync).toMatchObject({ status: 202, json: { action: "resync", services: ["web"] } });
    const rebuild = await call(port, "/api/projects/shop/rebuild", auth, { service: "api" });
    expect(rebuild).toMatchObject({ status: 202, json: { action: "rebuild", service: "api", services: ["api"] } });
    await engine.store.settle();
    expect(seen.map((a) => [a.type, "kind" in a ? a.kind : undefined, "service" in a ? a.service : undefined])).toEqual([
      ["liveRequested", "restart", "web"],
      ["liveRequested", "restart", undefined],
      ["liveRequested", "resync", undefined],
      ["rebuildRequested", undefined, "api"],
    ]);
    expect(engine.getState().projects["shop"]?.liveRequests?.map((r) => r.kind)).toEqual(["restart", "restart", "resync"]);
  });

  it("says when a resync has nothing to do for a service without live rules", async () => {
    const { port } = await start();
    const res = await call(port, "/api/projects/shop/resync", auth, { service: "cache" });
    expect(res).toMatchObject({ status: 202, json: { services: [], note: "cache has no develop.watch or compile rules: nothing to resync there" } });
  });

  it("answers 404 for an unknown project and 400 with the services for an unknown service", async () => {
    const { port, seen } = await start();
    const missing = await call(port, "/api/projects/nope/restart", auth, {});
    expect(missing).toMatchObject({ status: 404, json: { error: { code: "DL-API-012", reason: "unknown-project" } } });
    const bad = await call(port, "/api/projects/shop/rebuild", auth, { service: "wbe" });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      error: { name: "ApiRequestError", code: "DL-API-004", reason: "unknown-service", severity: "error", file: "", line: 0, column: 0, path: "", message: 'no service "wbe" in project "shop"; its services: web, api, cache, migrate' },
    });
    expect((await call(port, "/api/projects/shop/restart", auth, { service: 3 })).status).toBe(400);
    expect(seen).toEqual([]);
  });

  it("are guarded like every mutation: token, then Origin", async () => {
    const { port, seen } = await start();
    expect((await call(port, "/api/projects/shop/restart", {}, {})).status).toBe(401);
    const foreign = await call(port, "/api/projects/shop/restart", { ...auth, origin: "http://evil.example" }, {});
    expect(foreign).toMatchObject({ status: 403, json: { error: { code: "DL-API-008", reason: "forbidden-origin" } } });
    const crossSite = await call(port, "/api/projects/shop/resync", { ...auth, "sec-fetch-site": "cross-site" }, {});
    expect(crossSite.status).toBe(403);
    expect((await call(port, "/api/projects/shop/restart", { ...auth, origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "same-origin" }, {})).status).toBe(202);
    expect(seen.filter((a) => a.type === "liveRequested")).toHaveLength(1);
  });
});
