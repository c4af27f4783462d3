import type { ResourceLimits } from "node:worker_threads";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import type { ProjectLoadRequest } from "../ports/project-loader.js";
import type { IsolatedProjectLoader } from "./isolated-project-loader.js";
import { createIsolatedProjectLoader, loadLimitsFromEnv } from "./isolated-project-loader.js";

// Real worker threads speaking project-load-worker.ts's protocol; what each load does is chosen by the request's
// project directory: "ok" answers, "hog" reads two files then holds ever more memory, "spin" reads one then never
// yields, "throw" fails as a loader that throws.
const workerCode = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => {
  const kind = m.request.options.cwd.split("/").pop();
  const post = (x) => parentPort.postMessage(x);
  if (kind === "ok") return post({ type: "done", id: m.id, result: { ok: true, project: { name: "ok", threadId: require("node:worker_threads").threadId } } });
  if (kind === "throw") return post({ type: "failed", id: m.id, message: "cannot read /p/throw: EACCES" });
  post({ type: "read", id: m.id, path: "/p/" + kind + "/compose.yml" });
  if (kind === "hog") {
    post({ type: "read", id: m.id, path: "/p/" + kind + "/.env" });
    setTimeout(() => { const held = []; for (;;) held.push("x".repeat(4096) + held.length); }, 20);
  }
  if (kind === "spin") setTimeout(() => { for (;;) {} }, 20);
});
parentPort.postMessage({ type: "ready" });
`;

const request = (kind: string): ProjectLoadRequest => ({ options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: `/p/${kind}` } });

describe("isolated project loader (real worker threads)", () => {
  let loader: IsolatedProjectLoader | undefined;
  let started = 0;
  const make = (limits = { memoryMb: 32, timeoutMs: 1_500 }): IsolatedProjectLoader => {
    loader = createIsolatedProjectLoader({
      startWorker: (resourceLimits: ResourceLimits) => {
        started++;
        return new Worker(workerCode, { eval: true, resourceLimits });
      },
      limits,
      idleMs: 5_000,
    });
    return loader;
  };
  afterEach(async () => {
    await loader?.close();
    started = 0;
  });

  it("answers a load from the worker, and the next load reuses the idle worker", async () => {
    const l = make();
    const first = await l.load(request("ok"));
    const second = await l.load(request("ok"));
    expect(first).toMatchObject({ ok: true, project: { name: "ok" } });
    expect(second).toEqual(first);
    expect(started).toBe(1);
  });

  it("a load past the heap limit answers DL-LOAD-002 at the project's first file, naming the last file read; the next load works", async () => {
    const l = make();
    const result = await l.load(request("hog"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "DL-LOAD-002",
        severity: "error",
        file: "compose.yml",
        message: "loading the project needed more memory than the daemon allows one load (32 MiB); it was stopped after reading .env",
        expected: "a load that holds at most 32 MiB",
      }),
    ]);
    expect(result.diagnostics[0]?.hint).toContain("DEVLOOP_LOAD_MEMORY_MB");
    expect(await l.load(request("ok"))).toMatchObject({ ok: true });
  }, 20_000);

  it("a load past the time limit answers DL-LOAD-003 and its worker is ended", async () => {
    const l = make({ memoryMb: 64, timeoutMs: 500 });
    const t0 = Date.now();
    const result = await l.load(request("spin"));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, diagnostics: [{ code: "DL-LOAD-003", file: "compose.yml", message: "loading the project took longer than the daemon allows one load (0.5 s); it was stopped after reading compose.yml" }] });
    // The spinning worker is not reused: a new one answers.
    expect(await l.load(request("ok"))).toMatchObject({ ok: true });
    expect(started).toBe(2);
  }, 20_000);

  it("a load that hits a limit takes no other load down: loads at the same time run in workers of their own", async () => {
    const l = make();
    const [bad, good] = await Promise.all([l.load(request("hog")), l.load(request("ok"))]);
    expect(bad).toMatchObject({ ok: false, diagnostics: [{ code: "DL-LOAD-002" }] });
    expect(good).toMatchObject({ ok: true, project: { name: "ok" } });
    expect(started).toBe(2);
  }, 20_000);

  it("a loader that throws in the worker rejects with its message (the config controller's DL-LOAD-001), and the worker serves on", async () => {
    const l = make();
    await expect(l.load(request("throw"))).rejects.toThrow("cannot read /p/throw: EACCES");
    expect(await l.load(request("ok"))).toMatchObject({ ok: true });
    expect(started).toBe(1);
  });

  it("limits come from DEVLOOP_LOAD_MEMORY_MB and DEVLOOP_LOAD_TIMEOUT_MS, defaults otherwise", () => {
    expect(loadLimitsFromEnv({})).toEqual({ memoryMb: 512, timeoutMs: 60_000 });
    expect(loadLimitsFromEnv({ DEVLOOP_LOAD_MEMORY_MB: "96", DEVLOOP_LOAD_TIMEOUT_MS: "2500" })).toEqual({ memoryMb: 96, timeoutMs: 2_500 });
    expect(loadLimitsFromEnv({ DEVLOOP_LOAD_MEMORY_MB: "lots", DEVLOOP_LOAD_TIMEOUT_MS: "-1" })).toEqual({ memoryMb: 512, timeoutMs: 60_000 });
  });
});
