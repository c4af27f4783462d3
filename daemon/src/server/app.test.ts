import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { StateSnapshot } from "../api/types.js";
import { createEngine } from "../engine/engine.js";
import { createLogger } from "../log/logger.js";
import { createFakeCluster } from "../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createFakeProjectLoader } from "../ports/fakes/fake-project-loader.js";
import { ok, shopProject } from "../engine/controllers/test-project.js";
import { createApp } from "./app.js";

const token = "t".repeat(64);

const call = (port: number, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

const start = async (loaderResult = ok(shopProject())) => {
  const clock = createFakeClock();
  const engine = createEngine({ clock, controllers: [] });
  const loader = createFakeProjectLoader(loaderResult);
  const app = createApp({ engine, loader, cluster: createFakeCluster(), token, daemon: { pid: 1, startedAt: 0, version: "test" }, log: createLogger({ scope: "test" }) });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, engine };
};

const upBody = { options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" } };

describe("daemon API", () => {
  it("refuses a Host other than localhost (DNS rebinding)", async () => {
    const { port } = await start();
    const res = await call(port, "GET", "/api/state", { host: "evil.example:80" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: "forbidden-host" } });
    expect((await call(port, "GET", "/api/state", { host: `localhost:${port}` })).status).toBe(200);
  });

  it("needs the token for mutations but not for reads", async () => {
    const { port } = await start();
    const host = { host: `127.0.0.1:${port}` };
    expect((await call(port, "POST", "/api/projects", host, upBody)).status).toBe(401);
    expect((await call(port, "POST", "/api/projects", { ...host, authorization: "Bearer wrong" }, upBody)).status).toBe(401);
    const ok = await call(port, "POST", "/api/projects", { ...host, authorization: `Bearer ${token}` }, upBody);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ ok: true, project: "shop", namespace: "shop-dev", warnings: [] });
    const state = JSON.parse((await call(port, "GET", "/api/state", host)).text) as StateSnapshot;
    expect(state.projects.map((p) => p.name)).toEqual(["shop"]);
  });

  it("answers up with the diagnostics of an invalid project, registering nothing", async () => {
    const { port, engine } = await start({ ok: false, diagnostics: [{ code: "DL-COMPOSE-012", severity: "error", file: "compose.yml", line: 3, column: 9, path: "services.web.ports[0]", message: "bad port" }] });
    const res = await call(port, "POST", "/api/projects", { host: `127.0.0.1:${port}`, authorization: `Bearer ${token}` }, upBody);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text)).toMatchObject({ ok: false, diagnostics: [{ code: "DL-COMPOSE-012", line: 3 }] });
    expect(engine.getState().projects).toEqual({});
  });

  it("replays events after Last-Event-ID on /api/events", async () => {
    const { port, engine } = await start();
    for (let i = 0; i < 3; i++) engine.dispatch({ type: "log", source: "t", level: "info", line: `line ${i}`, at: i });
    await engine.store.settle();
    const text = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: "/api/events", headers: { host: `127.0.0.1:${port}`, "last-event-id": "1" } }, (res) => {
        let buffer = "";
        res.on("data", (d: Buffer) => {
          buffer += d.toString();
          if (buffer.includes("line 2")) {
            req.destroy();
            resolve(buffer);
          }
        });
      });
      req.end();
    });
    expect(text).not.toContain("line 0");
    expect(text).toContain("id: 2\nevent: log\n");
    expect(text).toContain("id: 3\nevent: log\n");
  });
});
