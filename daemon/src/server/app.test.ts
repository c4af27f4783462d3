import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { StateSnapshot } from "../api/types.js";
import { createEngine } from "../engine/engine.js";
import { createLogger } from "../log/logger.js";
import { createFakeCluster } from "../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createFakeProjectLoader } from "../ports/fakes/fake-project-loader.js";
import { createConfigController } from "../engine/controllers/config-controller.js";
import { ok, shopProject } from "../engine/controllers/test-project.js";
import { createApp, staticFile } from "./app.js";

const token = "t".repeat(64);

const call = (port: number, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

const publicDir = mkdtempSync(join(tmpdir(), "devloop-app-public-"));
mkdirSync(join(publicDir, "views"));
writeFileSync(join(publicDir, "index.html"), "<!doctype html><title>devloop</title>");
writeFileSync(join(publicDir, "app.js"), "export {};");
writeFileSync(join(publicDir, "views", "logs.js"), "export {};");
afterAll(() => rmSync(publicDir, { recursive: true, force: true }));

const start = async (loaderResult = ok(shopProject())) => {
  const clock = createFakeClock();
  const loader = createFakeProjectLoader(loaderResult);
  const engine = createEngine({ clock, controllers: [createConfigController({ loader })] });
  const app = createApp({ engine, cluster: createFakeCluster(), token, daemon: { pid: 1, startedAt: 0, version: "test" }, log: createLogger({ scope: "test" }), publicDir });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  servers.push(server);
  const routes = (app.router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]).flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((method) => ({ method: method.toUpperCase(), path: layer.route?.path ?? "" })) : [],
  );
  return { port: (server.address() as AddressInfo).port, engine, routes };
};

/** A route pattern with its parameters filled in. */
const concrete = (path: string): string => path.replace(":name", "shop");

const upBody = { options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" } };


/** /api/events from `lastEventId` until a line with `needle` has come: the text so far. */
const eventsUntil = (port: number, lastEventId: string, needle: string): Promise<string> =>
  new Promise<string>((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/api/events", headers: { host: `127.0.0.1:${port}`, "last-event-id": lastEventId, authorization: `Bearer ${token}` } }, (res) => {
      let buffer = "";
      res.on("data", (d: Buffer) => {
        buffer += d.toString();
        if (buffer.includes(needle)) {
          req.destroy();
          resolve(buffer);
        }
      });
    });
    req.end();
  });
describe("daemon API", () => {
  it("refuses a Host other than localhost (DNS rebinding)", async () => {
    const { port } = await start();
    const res = await call(port, "GET", "/api/state", { host: "evil.example:80" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: "DL-API-007", reason: "forbidden-host" } });
    expect((await call(port, "GET", "/api/state", { host: `localhost:${port}`, authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it("answers a body that is not JSON 400 DL-API-001 and one over 2 MB 413 DL-API-016: the caller's, not a 500", async () => {
    const { port } = await start();
    const post = (body: string): Promise<Response> => fetch(`http://127.0.0.1:${port}/api/projects`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
    const broken = await post("{");
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { name: "ApiRequestError", code: "DL-API-001", reason: "bad-request", severity: "error" } });
    const big = await post(JSON.stringify({ options: "a".repeat(3 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "DL-API-016", reason: "too-large" } });
  });

  it("needs the token for every route, reads included", async () => {
    const { port } = await start();
    const host = { host: `127.0.0.1:${port}` };
    expect((await call(port, "POST", "/api/projects", host, upBody)).status).toBe(401);
    expect((await call(port, "POST", "/api/projects", { ...host, authorization: "Bearer wrong" }, upBody)).status).toBe(401);
    const ok = await call(port, "POST", "/api/projects", { ...host, authorization: `Bearer ${token}` }, upBody);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ ok: true, project: "shop", namespace: "shop-dev", warnings: [] });
    expect((await call(port, "GET", "/api/state", host)).status).toBe(401);
    const state = JSON.parse((await call(port, "GET", "/api/state", { ...host, authorization: `Bearer ${token}` })).text) as StateSnapshot;
    expect(state.projects.map((p) => p.name)).toEqual(["shop"]);
  });

  it("refuses every registered route without credentials, however it is spelt, except the bare health check and /login", async () => {
    const { port, routes } = await start();
    const host = { host: `127.0.0.1:${port}` };
    const guarded = routes.filter((r) => !(r.method === "GET" && (r.path === "/api/health" || r.path === "/login")));
    expect(guarded.length).toBeGreaterThan(12);
    for (const r of guarded) {
      for (const path of [concrete(r.path), concrete(r.path).toUpperCase(), `${concrete(r.path)}/`]) {
        const res = await call(port, r.method, path, host, r.method === "GET" ? undefined : {});
        expect({ route: `${r.method} ${path}`, status: res.status }).toEqual({ route: `${r.method} ${path}`, status: 401 });
        expect(res.text).not.toContain(token);
      }
    }
    // The old session endpoint is gone, and unknown paths are refused before they are looked up.
    expect((await call(port, "GET", "/api/dashboard/session", { ...host, "sec-fetch-site": "same-origin" })).status).toBe(401);
    expect((await call(port, "GET", "/nope", host)).status).toBe(401);
    // The bare health check says nothing about the daemon; with the token it names it.
    expect(JSON.parse((await call(port, "GET", "/api/health", host)).text)).toEqual({ ok: true });
    expect(JSON.parse((await call(port, "GET", "/api/health", { ...host, authorization: `Bearer ${token}` })).text)).toEqual({ ok: true, pid: 1, startedAt: 0, version: "test" });
    // The page's files are code, not data: anyone may load them.
    for (const path of ["/", "/index.html", "/app.js", "/views/logs.js"]) expect((await call(port, "GET", path, host)).status).toBe(200);
  });

  it("signs a browser in with a one-time link that only a token holder can mint", async () => {
    const { port } = await start();
    const host = { host: `127.0.0.1:${port}` };
    expect((await call(port, "POST", "/api/dashboard/login-link", host, {})).status).toBe(401);
    const minted = await call(port, "POST", "/api/dashboard/login-link", { ...host, authorization: `Bearer ${token}` }, {});
    const url = new URL((JSON.parse(minted.text) as { url: string }).url);
    expect(url.origin).toBe(`http://127.0.0.1:${port}`);
    expect(url.pathname).toBe("/login");
    const login = await call(port, "GET", `${url.pathname}${url.search}`, { ...host, "sec-fetch-site": "none" });
    expect(login.status).toBe(303);
    expect(login.headers["location"]).toBe("/");
    const setCookie = String(login.headers["set-cookie"]);
    expect(setCookie).toMatch(/^devloop_[0-9a-f]{12}=v1\.[0-9a-z]+\.[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(token);
    const cookie = setCookie.split(";")[0] ?? "";
    // The cookie reads and mutates from the daemon's own page…
    expect((await call(port, "GET", "/api/state", { ...host, cookie, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await call(port, "POST", "/api/projects", { ...host, cookie, origin: `http://127.0.0.1:${port}` }, upBody)).status).toBe(200);
    // …but not from another local origin (same-site for the browser), and it cannot mint links.
    expect((await call(port, "GET", "/api/state", { ...host, cookie, "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await call(port, "GET", "/api/state", { ...host, cookie, origin: "http://localhost:3000" })).status).toBe(403);
    expect((await call(port, "POST", "/api/dashboard/login-link", { ...host, cookie, origin: `http://127.0.0.1:${port}` }, {})).status).toBe(403);
    // A forged or tampered cookie is refused.
    expect((await call(port, "GET", "/api/state", { ...host, cookie: cookie.replace(/.$/, (c) => (c === "0" ? "1" : "0")) })).status).toBe(401);
    // The link works once: a second browser is refused, and learns nothing.
    const again = await call(port, "GET", `${url.pathname}${url.search}`, host);
    expect(again.status).toBe(401);
    expect(again.headers["set-cookie"]).toBeUndefined();
    expect((await call(port, "GET", "/login?t=guess", host)).status).toBe(401);
  });

  it("sends a strict Content-Security-Policy and X-Frame-Options: DENY on every response", async () => {
    const { port } = await start();
    const host = { host: `127.0.0.1:${port}` };
    for (const path of ["/", "/app.js", "/api/health", "/api/state"]) {
      const res = await call(port, "GET", path, host);
      expect(res.headers["x-frame-options"]).toBe("DENY");
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
    }
  });

  it("takes a path as a static file only when it names a file under the page's directory", () => {
    const isFile = staticFile(publicDir);
    for (const path of ["/", "/index.html", "/app.js", "/views/logs.js", "/views%2Flogs.js"]) expect({ path, public: isFile(path) }).toEqual({ path, public: true });
    for (const path of ["/views", "/api/state", "/APP.JS", "/../app.test.ts", "/views/../app.js", "/%2e%2e/x", "/%E0%A4%A", "/nope.js"]) expect({ path, public: isFile(path) }).toEqual({ path, public: false });
  });

  it("answers up with the diagnostics of an invalid project, registering nothing", async () => {
    const { port, engine } = await start({ ok: false, diagnostics: [{ code: "DL-COMPOSE-012", severity: "error", file: "compose.yml", line: 3, column: 9, path: "services.web.ports[0]", message: "bad port" }] });
    const res = await call(port, "POST", "/api/projects", { host: `127.0.0.1:${port}`, authorization: `Bearer ${token}` }, upBody);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text)).toMatchObject({ ok: false, diagnostics: [{ code: "DL-COMPOSE-012", line: 3 }] });
    expect(engine.getState().projects).toEqual({});
  });

  it("replays the whole log to a Last-Event-ID past its end (an earlier daemon's seq, followed across a restart)", async () => {
    const { port, engine } = await start();
    for (let i = 0; i < 3; i++) engine.dispatch({ type: "log", source: "t", level: "info", line: `line ${i}`, at: i });
    await engine.store.settle();
    const text = await eventsUntil(port, "5000", "line 2");
    expect(text).toContain("line 0");
    expect(text).toContain("id: 1\nevent: log\n");
  });

  it("replays events after Last-Event-ID on /api/events", async () => {
    const { port, engine } = await start();
    for (let i = 0; i < 3; i++) engine.dispatch({ type: "log", source: "t", level: "info", line: `line ${i}`, at: i });
    await engine.store.settle();
    const text = await eventsUntil(port, "1", "line 2");
    expect(text).not.toContain("line 0");
    expect(text).toContain("id: 2\nevent: log\n");
    expect(text).toContain("id: 3\nevent: log\n");
  });
});
