/**
 * The dashboard in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) against a real
 * daemon process running a tiny project on the local cluster: the page loads (under 1 s), a compose edit shows in
 * the timeline with its step trace, a bad edit shows its diagnostic with the source excerpt, a namespace switch
 * changes the table, the page reconnects after a daemon restart, secrets are not sent, foreign Host/Origin refused.
 * The browser signs in as a user does: through the one-time link `devloop up` prints (a session cookie; the page
 * never holds the token), and the page runs under the daemon's Content-Security-Policy without a violation.
 * A second daemon runs a temp copy of the example (compose.example.yml, .env, example/): a source edit shows in the
 * timeline as a sync with its step trace, and the Restart and Resync controls show as changes of their own.
 * DEVLOOP_UPDATE_SCREENSHOTS=1 writes the screenshots to docs/screenshots/ (otherwise to a temp directory).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, exampleCopy, freePort, kube, projectDir, repoRoot, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/bed-images.js";
import { inOrder } from "./helpers/steps.js";

const name = `dash${suffix()}`;
const ns1 = `${name}-one`;
const ns2 = `${name}-two`;
const secretValue = `s3cr3t-${suffix()}-never-in-the-page`;
const images = bedImages();

const compose = (redisPort: number, greeting: string): string => `name: ${name}
services:
  cache:
    image: ${images.redis}
    ports:
      - "${redisPort}:6379"
  web:
    image: ${images.runtime}
    command: ["sh", "-c", "i=0; while true; echo \\"${greeting} $$i\\"; do i=$$((i+1)); sleep 1; done"]
    environment:
      API_TOKEN: ${secretValue}
      GREETING: ${greeting}
    depends_on:
      - cache
  debug:
    image: ${images.runtime}
    command: ["sleep", "infinity"]
    profiles: ["debug"]
  crashy:
    image: ${images.runtime}
    command: ["sh", "-c", "echo boom >&2; exit 1"]
    profiles: ["crash"]
`;

const shotDir = process.env["DEVLOOP_UPDATE_SCREENSHOTS"] === "1" ? join(repoRoot, "docs", "screenshots") : mkdtempSync(join(tmpdir(), "devloop-shots-"));

/** A raw HTTP request (fetch would not let us set Host). */
const raw = (port: number, path: string, headers: Record<string, string>, method = "GET", body?: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) }) } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });

/** The one-time sign-in link `devloop up` printed. */
const loginLink = (stdout: string, port: number): string => {
  const m = new RegExp(`dashboard: (http://127\\.0\\.0\\.1:${port}/login\\?t=[\\w-]+)\n`).exec(stdout);
  if (!m?.[1]) throw new Error(`devloop up printed no sign-in link for port ${port}: ${stdout}`);
  return m[1];
};

/** Collects the page's Content-Security-Policy violations (Chromium reports each on the console). */
const cspViolations = (page: Page): string[] => {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) seen.push(m.text());
  });
  return seen;
};

const readyRow = (page: Page, service: string) => page.locator(`#services-table tr[data-service="${service}"] .status-ready`);

describe("dashboard in headless Chromium", () => {
  // The tests below build on each other (see helpers/steps.ts): a failure stops the ones after it.
  const step = inOrder();
  const daemon = createTestDaemon();
  const { core } = kube();
  let port = 0;
  let redisPort = 0;
  let project: ReturnType<typeof projectDir>;
  let browser: Browser;
  let page: Page;
  let token = "";
  let link = "";
  let violations: string[] = [];
  const base = () => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    port = await freePort();
    redisPort = await freePort();
    daemon.env["DEVLOOP_PORT"] = String(port);
    project = projectDir(compose(redisPort, "hello"));
    await daemon.start();
    token = readFileSync(join(daemon.stateDir, "token"), "utf8").trim();
    const up = await daemon.cli(["up", "-d", "-n", ns1, "--wait-timeout", "200"], project.dir, 240_000);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    link = loginLink(up.stdout, port);
    mkdirSync(shotDir, { recursive: true });
    // launch() gives every run a fresh temporary user-data-dir (playwright refuses --user-data-dir here).
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    violations = cspViolations(page);
  });

  afterAll(async () => {
    await browser?.close();
    for (const ns of [ns2, ns1]) await daemon.cli(["down", "-p", name, "-n", ns], project.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    for (const ns of [ns1, ns2]) await core.deleteNamespace({ name: ns }).catch(() => undefined);
    project.remove();
    rmSync(daemon.stateDir, { recursive: true, force: true });
  });

  step("signs in through the link devloop up printed, and not twice with the same link", async () => {
    // Without a session the page loads (it is code, not data) but reads nothing and says how to sign in.
    await page.goto(`${base()}/`);
    await page.locator("body[data-connection=signed-out]").waitFor({ state: "attached", timeout: 10_000 });
    expect(await page.locator("#notice").textContent()).toContain("open the link devloop up prints");
    const login = await page.goto(link);
    expect(page.url()).toBe(`${base()}/`);
    expect(login?.headers()["x-frame-options"]).toBe("DENY");
    expect(login?.headers()["content-security-policy"]).toContain("default-src 'none'");
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([expect.objectContaining({ domain: "127.0.0.1", httpOnly: true, sameSite: "Strict" })]);
    expect(JSON.stringify(cookies)).not.toContain(token);
    // Another browser (a fresh context) cannot reuse the link.
    const other = await browser.newPage();
    expect((await other.goto(link))?.status()).toBe(401);
    await other.goto(`${base()}/`);
    await other.locator("body[data-connection=signed-out]").waitFor({ state: "attached", timeout: 10_000 });
    await other.close();
  });

  step("loads, timing itself (load event, first render), and shows the services table with status, pods and port links", async () => {
    // Warm the browser process first (its first navigation pays for starting the renderer), then time a load.
    await page.goto("about:blank");
    await page.goto(`${base()}/`, { waitUntil: "load" });
    await page.locator("#services-table tr[data-service=web]").waitFor({ timeout: 5000 });
    // Strings: the test's tsconfig has no DOM lib. Both are measured by the page itself from navigation start.
    const nav = await page.evaluate<number>("(() => { const e = performance.getEntriesByType('navigation')[0]; return e ? e.loadEventEnd - e.startTime : -1; })()");
    const firstRender = await page.evaluate<number>("(() => { const m = performance.getEntriesByName('devloop:first-render')[0]; return m ? m.startTime : -1; })()");
    const resources = await page.evaluate<string>("performance.getEntriesByType('resource').map((e) => `${e.name.replace(/^.*\\/\\/[^/]+/, '')} ${Math.round(e.startTime)}+${Math.round(e.responseEnd - e.startTime)}`).join(', ')");
    process.stdout.write(`[measure] dashboard: load event ${Math.round(nav)} ms, services table rendered from the snapshot at ${Math.round(firstRender)} ms (requests, start+duration ms: ${resources})\n`);
    // The page measures itself; how long it takes is `npm run bench -- dashboard` (docs/benchmarks.md), not asserted
    // here: on the shared 2-core machine the medians were 0.8–0.9 s, too near any fixed bound.
    expect(nav).toBeGreaterThan(0);
    expect(firstRender).toBeGreaterThan(0);
    await readyRow(page, "web").waitFor({ timeout: 120_000 });
    await readyRow(page, "cache").waitFor({ timeout: 120_000 });
    await page.locator(`#services-table a[href="http://localhost:${redisPort}"]`).waitFor({ timeout: 30_000 });
    expect(await page.locator("#services-table tr[data-service=debug]").count()).toBe(0);
    await expect.poll(() => page.locator("#connection").textContent()).toBe("live");
    // How the project's images reach its cluster, decided under its context: the bed's shared engine.
    await expect.poll(() => page.locator("#image-delivery").textContent(), { timeout: 30_000 }).toBe("images by docker");
    await page.screenshot({ path: join(shotDir, "services.png") });
  });

  step("streams logs per service and combined, with search and level filter", async () => {
    await page.locator("#tab-logs").click();
    await page.locator(".log .line", { hasText: "hello" }).first().waitFor({ timeout: 30_000 });
    await page.locator("#log-service").selectOption("web");
    await page.locator("#log-search").fill("hello 3");
    await expect.poll(async () => (await page.locator(".log .line").allTextContents()).every((t) => t.includes("hello 3"))).toBe(true);
    await page.locator("#log-search").fill("");
    await page.locator("#log-service").selectOption("");
    await page.locator("#log-level").selectOption("error");
    await expect.poll(async () => (await page.locator(".log .line", { hasText: "hello" }).count())).toBe(0);
    await page.locator("#log-level").selectOption("info");
    await page.locator(".log .line", { hasText: "hello" }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(shotDir, "logs.png") });
  });

  step("never sends a secret value to the page", async () => {
    const bodies = await page.evaluate(async (n) => {
      const paths = ["/api/state", `/api/projects/${n}/translation`, `/api/projects/${n}/diagnostics`, `/api/projects/${n}/timeline`, `/api/projects/${n}/profiles`, "/api/events?since=0"];
      const out: string[] = [];
      for (const p of paths) {
        if (p.startsWith("/api/events")) {
          const ctl = new AbortController();
          const res = await fetch(p, { signal: ctl.signal });
          const reader = res.body?.getReader();
          const chunk = await reader?.read();
          ctl.abort();
          out.push(new TextDecoder().decode(chunk?.value as Uint8Array | undefined));
        } else out.push(await (await fetch(p)).text());
      }
      return out;
    }, name);
    for (const b of bodies) expect(b).not.toContain(secretValue);
    expect(await page.content()).not.toContain(secretValue);
  });

  step("shows a compose edit in the timeline with its reason and step trace", async () => {
    await page.locator("#tab-timeline").click();
    project.write(compose(redisPort, "edited"));
    const change = page.locator(".change", { hasText: "compose.yml changed" }).first();
    await change.waitFor({ timeout: 30_000 });
    await change.locator(".trace th", { hasText: "load" }).waitFor();
    await change.locator(".trace th", { hasText: "apply web" }).waitFor({ timeout: 30_000 });
    await page.locator(".change.change-done", { hasText: "compose.yml changed" }).first().waitFor({ timeout: 120_000 });
    await expect.poll(() => change.locator(".trace th", { hasText: "ready web" }).count()).toBe(1);
    const total = await change.locator(".total").textContent();
    process.stdout.write(`[measure] dashboard timeline: compose edit → web ready ${total ?? "?"}\n`);
    // The bars are placed through the CSSOM (the CSP refuses style attributes): they have their widths.
    const widths = await page.evaluate<string[]>("[...document.querySelectorAll('.change .trace-bar')].slice(0, 4).map((b) => b.style.width)");
    expect(widths.length).toBeGreaterThan(0);
    for (const w of widths) expect(w).toMatch(/^\d+(\.\d+)?%$/);
  });

  step("shows a bad compose edit's diagnostic with file:line, the source excerpt and a caret", async () => {
    project.write(compose(redisPort, "edited").replace(`"${redisPort}:6379"`, `"${redisPort}:6379:tcp"`));
    await page.locator("#tab-diagnostics").click();
    const diag = page.locator(".diag-error").first();
    await diag.waitFor({ timeout: 30_000 });
    expect(await diag.locator(".loc").textContent()).toMatch(/compose\.yml:6:\d+/);
    expect(await diag.locator(".path").textContent()).toBe("services.cache.ports[0]");
    expect(await diag.locator(".excerpt").textContent()).toContain(`${redisPort}:6379:tcp`);
    expect(await diag.locator(".caret").textContent()).toMatch(/\^+/);
    expect(await page.locator("#diag-count").textContent()).toBe("1");
    await page.screenshot({ path: join(shotDir, "diagnostics.png") });
    // The last good version keeps running.
    await page.locator("#tab-services").click();
    expect(await readyRow(page, "web").count()).toBe(1);
    project.write(compose(redisPort, "edited"));
    await page.locator("#tab-diagnostics").click();
    await page.locator(".empty.ok").waitFor({ timeout: 30_000 });
  });

  step("shows what each compose key became in Kubernetes", async () => {
    await page.locator("#tab-translation").click();
    const web = page.locator('.translation[data-service="web"]');
    await web.waitFor({ timeout: 10_000 });
    await web.locator("td", { hasText: "services.web.environment" }).first().waitFor();
    expect(await web.textContent()).toMatch(/Deployment\/web/);
    expect(await page.locator('.translation[data-service="cache"]').textContent()).toContain("services.cache.ports");
    expect(await page.content()).not.toContain(secretValue);
    await page.screenshot({ path: join(shotDir, "translation.png"), fullPage: false });
  });

  step("toggles a profile on and off, and says what a resync does for a project without live rules", async () => {
    await page.locator("#tab-services").click();
    const debug = page.locator('#profiles input[value="debug"]');
    await debug.check();
    await page.locator('#services-table tr[data-service="debug"] .status-ready').waitFor({ timeout: 120_000 });
    await debug.uncheck();
    await expect.poll(() => page.locator('#services-table tr[data-service="debug"]').count(), { timeout: 60_000 }).toBe(0);
    // A service that exits at once shows as crash-looping, in the failure colour.
    const crash = page.locator('#profiles input[value="crash"]');
    await crash.check();
    await page.locator('#services-table tr[data-service="crashy"] .status-failed', { hasText: "crash-looping" }).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(shotDir, "services-crash-looping.png") });
    await crash.uncheck();
    await expect.poll(() => page.locator('#services-table tr[data-service="crashy"]').count(), { timeout: 60_000 }).toBe(0);
    await page.locator('button[data-action="resync"]').click();
    await expect.poll(() => page.locator("#notice").textContent()).toContain("nothing to resync");
  });

  step("restarts a service without live rules by replacing its pods; the timeline waits until it is ready on new ones", async () => {
    await page.locator("#tab-services").click();
    await readyRow(page, "cache").waitFor({ timeout: 60_000 });
    const before = (await page.locator('#services-table tr[data-service="cache"] td.mono').textContent())?.trim();
    await page.locator('#services-table tr[data-service="cache"] button[data-service-action="restart"]').click();
    await expect.poll(() => page.locator("#notice").textContent()).toContain("restart requested for cache (cache: no live rules, so the pods are replaced)");
    await page.locator("#tab-timeline").click();
    const change = page.locator('.change[data-trigger="restart"]', { hasText: "restart requested (cache)" }).first();
    await change.waitFor({ timeout: 30_000 });
    await expect.poll(() => change.getAttribute("class"), { timeout: 120_000 }).toContain("change-done");
    expect(await change.locator(".action").textContent()).toBe("replace pods");
    expect(await change.locator(".trace th").allTextContents()).toEqual(["delete pods of cache", "ready cache"]);
    const after = (await change.locator(".trace tr", { hasText: "ready cache" }).locator(".detail").textContent())?.trim();
    expect(after).toMatch(/^cache-/);
    expect(after).not.toBe(before);
    process.stdout.write(`[measure] dashboard timeline: restart of cache (pods replaced) until ready on ${after ?? "?"}: ${(await change.locator(".total").textContent()) ?? "?"}\n`);
  });

  step("switches to a new namespace and the table follows", async () => {
    await page.locator("#tab-services").click();
    const podsBefore = await page.locator('#services-table tr[data-service="web"] td.mono').textContent();
    await page.locator("#ns-new").fill(ns2);
    await page.locator("#ns-create").click();
    await expect.poll(() => page.locator("#namespace-current").textContent(), { timeout: 30_000 }).toBe(`ns ${ns2}`);
    await readyRow(page, "web").waitFor({ timeout: 120_000 });
    await readyRow(page, "cache").waitFor({ timeout: 120_000 });
    const podsAfter = await page.locator('#services-table tr[data-service="web"] td.mono').textContent();
    expect(podsAfter).not.toBe(podsBefore);
    expect((await core.listNamespacedPod({ namespace: ns2, labelSelector: "devloop.dev/service=web" })).items.map((p) => p.metadata?.name)).toContain(podsAfter?.trim());
    // The old namespace stays listed in the switcher.
    await expect.poll(async () => (await page.locator("#ns-list option").allTextContents()).join(" ")).toContain(ns1);
  });

  step("reconnects after a daemon restart", async () => {
    await daemon.stop();
    await expect.poll(() => page.locator("#connection").textContent(), { timeout: 15_000 }).toBe("reconnecting…");
    // Without DEVLOOP_PORT the new daemon takes the previous daemon's port again (kept in the state directory).
    delete daemon.env["DEVLOOP_PORT"];
    await daemon.start();
    await expect.poll(() => page.locator("#connection").textContent(), { timeout: 30_000 }).toBe("live");
    await page.locator("#services-table tr[data-service=web]").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator("#namespace-current").textContent(), { timeout: 30_000 }).toBe(`ns ${ns2}`);
  });

  it("refuses a foreign Host, a foreign Origin and a missing token", async () => {
    const evilHost = await raw(port, "/api/state", { Host: `evil.example:${port}` });
    expect(evilHost.status).toBe(403);
    expect(evilHost.body).toContain("forbidden-host");
    expect((await raw(port, "/", { Host: `rebind.example:${port}` })).status).toBe(403);
    // Reads need the token or the session too, whatever the browser headers say; the old token endpoint is gone.
    const browserHeaders: Record<string, string>[] = [{}, { "Sec-Fetch-Site": "none" }, { "Sec-Fetch-Site": "same-origin", Origin: base() }];
    for (const headers of browserHeaders) {
      expect((await raw(port, "/api/state", { Host: `127.0.0.1:${port}`, ...headers })).status).toBe(401);
      expect((await raw(port, "/api/dashboard/session", { Host: `127.0.0.1:${port}`, ...headers })).status).toBe(401);
    }
    expect((await raw(port, "/api/state", { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` })).status).toBe(200);
    // Mutations: a foreign Origin is refused even with the token; no token is refused too.
    const body = JSON.stringify({ namespace: ns1 });
    const foreign = await raw(port, `/api/projects/${name}/namespace`, { Host: `127.0.0.1:${port}`, Origin: "http://evil.example", Authorization: `Bearer ${token}` }, "POST", body);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("forbidden-origin");
    const crossSite = await raw(port, `/api/projects/${name}/namespace`, { Host: `127.0.0.1:${port}`, "Sec-Fetch-Site": "cross-site", Authorization: `Bearer ${token}` }, "POST", body);
    expect(crossSite.status).toBe(403);
    expect((await raw(port, `/api/projects/${name}/namespace`, { Host: `127.0.0.1:${port}`, Origin: base() }, "POST", body)).status).toBe(401);
    // From a real page of another origin (localhost ≠ 127.0.0.1, same site): the session cookie does not open reads.
    const other = await browser.newPage();
    await other.goto(`http://localhost:${port}/api/health`);
    const attempt = await other.evaluate(async (url) => {
      try {
        const res = await fetch(`${url}/api/state`, { credentials: "include" });
        return `read ${res.status}: ${await res.text()}`;
      } catch (error) {
        return `blocked: ${String(error)}`;
      }
    }, base());
    expect(attempt).toMatch(/^blocked/);
    await other.close();
    // The signed-in page itself ran without a Content-Security-Policy violation.
    expect(violations).toEqual([]);
    // Nothing moved.
    expect((await daemon.project(name))?.namespace).toBe(ns2);
  });

  step("refuses a signed-in browser's requests from another port of 127.0.0.1 (same site, so the cookie goes along)", async () => {
    const changes = async (): Promise<number> =>
      (JSON.parse((await raw(port, `/api/projects/${name}/timeline`, { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` })).body) as unknown[]).length;
    const before = await changes();
    // Any local server opened by 127.0.0.1: here a page that fires a no-cors POST (no preflight) at the daemon.
    const otherPort = await freePort();
    const server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>other</title>"));
    await new Promise<void>((resolve) => server.listen(otherPort, "127.0.0.1", resolve));
    // Signed in (a fresh link, as devloop daemon status mints one), then off to the other port in the same tab.
    const minted = await raw(port, "/api/dashboard/login-link", { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` }, "POST", "{}");
    await page.goto((JSON.parse(minted.body) as { url: string }).url);
    expect(page.url()).toBe(`${base()}/`);
    const other = page;
    try {
      await other.goto(`http://127.0.0.1:${otherPort}/`);
      // The request leaves either way; the page only sees an opaque answer, or an error (the daemon's
      // Cross-Origin-Resource-Policy: same-origin withholds even that).
      const sent = await other.evaluate(async (url) => {
        try {
          await fetch(url, { method: "POST", mode: "no-cors", credentials: "include" });
          return "sent, opaque answer";
        } catch (error) {
          return `sent, answer withheld: ${String(error)}`;
        }
      }, `${base()}/api/projects/${name}/restart`);
      expect(sent).toMatch(/^sent/);
      const read = await other.evaluate(async (url) => {
        try {
          return `read ${(await fetch(url, { credentials: "include" })).status}`;
        } catch (error) {
          return `blocked: ${String(error)}`;
        }
      }, `${base()}/api/state`);
      expect(read).toMatch(/^blocked/);
    } finally {
      server.close();
    }
    await new Promise((r) => setTimeout(r, 1000));
    // No restart was asked: the timeline has no new change.
    expect(await changes()).toBe(before);
  });
});

describe("live sync in the dashboard, on a temp copy of the example", () => {
  // The tests below build on each other (see helpers/steps.ts): a failure stops the ones after it.
  const step = inOrder();
  const daemon = createTestDaemon();
  const example = exampleCopy();
  const { core } = kube();
  const namespace = `dashlive${suffix()}`;
  let port = 0;
  let browser: Browser;
  let page: Page;
  let violations: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    Object.assign(daemon.env, { DEVLOOP_PORT: String(port), NODE_IMAGE: images.node, GO_IMAGE: images.go, RUNTIME_IMAGE: images.runtime, REDIS_IMAGE: images.redis, WEB_PORT: String(await freePort()) });
    await daemon.start();
    const up = await daemon.cli(["up", "-f", "compose.yml", "-n", namespace, "--detach", "--wait-timeout", "400"], example.dir, 460_000);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const link = loginLink(up.stdout, port);
    mkdirSync(shotDir, { recursive: true });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    violations = cspViolations(page);
    await page.goto(`${link}&next=${encodeURIComponent("/?project=shop")}`);
    expect(page.url()).toBe(`http://127.0.0.1:${port}/?project=shop`);
    await readyRow(page, "web").waitFor({ timeout: 60_000 });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await daemon.cli(["down", "-p", "shop", "-n", namespace, "--volumes"], example.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    example.remove();
    rmSync(daemon.stateDir, { recursive: true, force: true });
  });

  step("shows a source edit in the timeline as a sync with its steps", async () => {
    await page.locator("#tab-timeline").click();
    const file = example.file("example/web/src/message.js");
    writeFileSync(file, readFileSync(file, "utf8").replace("hello from web", "edited in the dashboard test"));
    const change = page.locator('.change[data-trigger="change"]', { hasText: "example/web/src/message.js changed" }).first();
    await change.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\ntimeline: ${JSON.stringify(await page.locator(".change .change-head").allTextContents())}`);
    });
    await expect.poll(() => change.getAttribute("class"), { timeout: 30_000 }).toContain("change-done");
    expect(await change.locator(".action").textContent()).toBe("sync");
    expect(await change.locator(".change-service").textContent()).toBe("web");
    expect(await change.locator(".trace th").allTextContents()).toEqual(["wait", "sync"]);
    expect(await change.locator(".trace .num").allTextContents()).toEqual([expect.stringMatching(/^\d+(\.\d)? (ms|s)$/), expect.stringMatching(/^\d+(\.\d)? (ms|s)$/)]);
    const total = await change.locator(".total").textContent();
    process.stdout.write(`[measure] dashboard timeline: example/web/src/message.js saved → synced into web, ${total ?? "?"} (the trace's own total)\n`);
    await page.screenshot({ path: join(shotDir, "timeline.png") });
  });

  step("restarts a service from its row and resyncs from the controls, each a change in the timeline", async () => {
    await page.locator("#tab-services").click();
    await page.locator('#services-table tr[data-service="web"] button[data-service-action="restart"]').click();
    await expect.poll(() => page.locator("#notice").textContent()).toContain("restart requested for web");
    await page.locator("#tab-timeline").click();
    const restart = page.locator('.change[data-trigger="restart"]', { hasText: "restart requested" }).first();
    await restart.waitFor({ timeout: 60_000 });
    await expect.poll(() => restart.getAttribute("class"), { timeout: 60_000 }).toContain("change-done");
    // web has live rules: the supervisor restarts the process in place.
    expect(await restart.locator(".action").textContent()).toBe("restart");
    expect(await restart.locator(".trace th").allTextContents()).toEqual(["restart"]);
    process.stdout.write(`[measure] dashboard timeline: restart of web ${(await restart.locator(".total").textContent()) ?? "?"}\n`);
    await page.locator('button.live-action[data-action="resync"]').click();
    await expect.poll(() => page.locator("#notice").textContent()).toMatch(/resync requested for .*web/);
    const resync = page.locator('.change[data-trigger="resync"]', { hasText: "resync requested" }).first();
    await resync.waitFor({ timeout: 60_000 });
    expect(await resync.locator(".action").textContent()).toBe("reconcile");
  });

  step("shows a compile error in red with its first line, and the fix compiled", async () => {
    await page.locator("#tab-timeline").click();
    const main = example.file("example/api/main.go");
    const good = readFileSync(main, "utf8");
    const done = await page.locator('.change.change-done[data-action="compile"]').count();
    writeFileSync(main, good.replace('const message = "hello from api"', 'const message = "hello from api" +'));
    const failed = page.locator('.change.change-error[data-action="compile"]').first();
    await failed.waitFor({ timeout: 150_000 });
    const error = (await failed.locator(".change-error-text").textContent()) ?? "";
    process.stdout.write(`[measure] dashboard timeline: api compile error shown as "${error}" after ${(await failed.locator(".total").textContent()) ?? "?"}\n`);
    expect(error).toMatch(/main\.go:\d+:\d+: syntax error/);
    expect(error).not.toContain("\n");
    expect(await failed.locator(".trace-row-error th").allTextContents()).toEqual(["compile"]);
    writeFileSync(main, good.replace("hello from api", "hello again from api"));
    await expect.poll(() => page.locator('.change.change-done[data-action="compile"]').count(), { timeout: 150_000 }).toBe(done + 1);
    const fixed = page.locator('.change.change-done[data-action="compile"]').first();
    expect(await fixed.locator(".trace th").allTextContents()).toEqual(["wait", "compile", "sync", "restart"]);
    process.stdout.write(`[measure] dashboard timeline: api recompiled, synced and restarted in ${(await fixed.locator(".total").textContent()) ?? "?"}\n`);
  });

  step("devloop restart | resync | rebuild ask the same of the daemon, and name the services of an unknown one", async () => {
    await page.locator("#tab-timeline").click();
    const before = await page.locator('.change[data-trigger="restart"]').count();
    const restart = await daemon.cli(["restart", "web"], example.dir);
    expect(restart).toMatchObject({ code: 0, stderr: "" });
    expect(restart.stdout).toBe("shop: restart requested for web; devloop status shows the outcome\n");
    await expect.poll(() => page.locator('.change[data-trigger="restart"]').count(), { timeout: 30_000 }).toBe(before + 1);
    const rebuild = await daemon.cli(["rebuild"], example.dir);
    expect(rebuild).toMatchObject({ code: 0, stderr: "" });
    expect(rebuild.stdout).toMatch(/^shop: rebuild requested for every service \(.*\); devloop status shows the outcome\n$/);
    const reload = page.locator(".change", { hasText: "rebuild requested" }).first();
    await reload.waitFor({ timeout: 30_000 });
    await expect.poll(() => reload.getAttribute("class"), { timeout: 120_000 }).toContain("change-done");
    // migrate's sources never changed: up to date. web's did when the tests before this one edited message.js (its
    // image is rebuilt with the edit, a new content tag); run alone, it is up to date too.
    expect(await reload.locator(".trace tr", { hasText: "build migrate" }).locator(".detail").textContent()).toBe("up to date");
    expect(await reload.locator(".trace tr", { hasText: "build web" }).locator(".detail").textContent()).toMatch(/^(up to date|shop-web:dl-[0-9a-f]+)$/);
    // The build log per service: the Logs tab filtered to web shows its build's lines (source build), not migrate's.
    await page.locator("#tab-logs").click();
    await page.locator("#log-service").selectOption("web");
    await page.locator("#log-search").fill("shop-web:dl-");
    await page.locator(".log .line", { hasText: /(image shop-web:dl-[0-9a-f]+ is up to date|built shop-web:dl-[0-9a-f]+ in)/ }).first().waitFor({ timeout: 10_000 });
    await page.locator("#log-search").fill("shop-migrate:dl-");
    await expect.poll(() => page.locator(".log .line").count()).toBe(0);
    await page.locator("#log-search").fill("");
    await page.locator("#log-service").selectOption("");
    await page.locator("#tab-timeline").click();
    const unknown = await daemon.cli(["rebuild", "wbe", "-p", "shop"], example.dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('devloop: no service "wbe" in project "shop"; its services: web, api, cache, migrate\n');
    const noProject = await daemon.cli(["resync", "-p", "nope"], example.dir);
    expect(noProject.code).toBe(1);
    expect(noProject.stderr).toContain('no project "nope" in the daemon');
    expect(violations).toEqual([]);
  });
});
