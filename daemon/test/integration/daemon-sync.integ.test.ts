/**
 * The live loop end to end (issue 5) on the real local cluster: the real daemon runs a temp copy of compose.example.yml,
 * and the test edits its sources the way a developer would. Every claim is checked where it matters: the HTTP answer
 * through devloop's port-forward, or the container's file system over exec.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { PublicChange } from "../../src/api/types.js";
import { createTestDaemon, exampleCopy, freePort, kube, sleep, suffix } from "./daemon-support.js";
import { bedImages, execInPod, loadBedKubeConfig } from "./helpers/index.js";
import { inOrder } from "./helpers/steps.js";

const namespace = `dlsync${suffix()}`;
const project = "shop";

interface WebAnswer {
  readonly title?: string;
  readonly message?: string;
  readonly api?: { readonly message?: string };
}

describe("live sync of the example on the local cluster", () => {
  // The tests below build on each other (see helpers/steps.ts): a failure stops the ones after it.
  const step = inOrder();
  const daemon = createTestDaemon();
  const example = exampleCopy();
  const { core } = kube();
  const kc = loadBedKubeConfig();
  let port = 0;

  const answer = async (): Promise<WebAnswer | undefined> => {
    try {
      return (await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3_000) })).json()) as WebAnswer;
    } catch {
      return undefined;
    }
  };
  /** Polls the web answer until `pred` holds; returns ms from `since` to the first matching answer. */
  const waitAnswer = async (pred: (a: WebAnswer) => boolean, timeoutMs: number, what: string, since = Date.now()): Promise<number> => {
    let last: WebAnswer | undefined;
    while (Date.now() - since < timeoutMs) {
      last = await answer();
      if (last !== undefined && pred(last)) return Date.now() - since;
      await sleep(25);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer: ${JSON.stringify(last)}`);
  };
  const runningPod = async (service: string): Promise<string> => {
    for (let i = 0; i < 240; i++) {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `devloop.dev/service=${service}` });
      const pod = pods.items.find((p) => p.status?.phase === "Running" && p.metadata?.deletionTimestamp === undefined && p.status.containerStatuses?.every((c) => c.ready));
      if (pod?.metadata?.name) return pod.metadata.name;
      await sleep(500);
    }
    throw new Error(`no ready ${service} pod`);
  };
  const shell = async (service: string, script: string): Promise<{ exitCode: number; stdout: string }> => {
    const pod = await runningPod(service);
    return execInPod(kc, { namespace, pod, container: service, command: ["sh", "-c", script], timeoutMs: 60_000 });
  };
  const changes = async (): Promise<readonly PublicChange[]> => (await daemon.project(project))?.changes ?? [];
  const waitChange = async (pred: (c: PublicChange) => boolean, timeoutMs: number, what: string): Promise<PublicChange> => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const hit = (await changes()).find(pred);
      if (hit) return hit;
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${what}; changes: ${JSON.stringify((await changes()).slice(-5), null, 1)}`);
  };
  const after = async (): Promise<number> => Math.max(0, ...(await changes()).map((c) => c.id));

  beforeAll(async () => {
    port = await freePort();
    const images = bedImages();
    Object.assign(daemon.env, { NODE_IMAGE: images.node, GO_IMAGE: images.go, RUNTIME_IMAGE: images.runtime, REDIS_IMAGE: images.redis, WEB_PORT: String(port) });
    await daemon.start();
    const up = await daemon.cli(["up", "-f", "compose.yml", "-n", namespace, "--detach", "--wait-timeout", "300"], example.dir, 360_000);
    if (up.code !== 0) throw new Error(`up failed: ${up.stdout}${up.stderr}`);
    await daemon.waitFor(project, (x) => x?.services.find((s) => s.name === "web")?.ports[0]?.status === "active", 30_000, "web's port-forward");
    await waitAnswer((a) => a.message === "hello from web", 60_000, "web's first answer");
  }, 600_000);

  afterAll(async () => {
    await daemon.cli(["down", "-p", project, "-n", namespace, "--volumes"], example.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    example.remove();
  }, 180_000);

  step("an edit to a Node source file changes the HTTP answer through the port-forward", async () => {
    const latencies: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const since = Date.now();
      writeFileSync(example.file("example/web/src/message.js"), `module.exports = { message: "edit ${i}" };\n`);
      latencies.push(await waitAnswer((a) => a.message === `edit ${i}`, 20_000, `edit ${i}`, since));
    }
    process.stdout.write(`[measure] save → new answer: ${latencies.join(", ")} ms\n`);
    const change = await waitChange((c) => c.rule === "web:watch[0]" && c.files.includes("message.js"), 5_000, "the sync's trace");
    expect(change.status).toBe("ok");
    expect(change.steps.map((s) => s.step)).toEqual(["wait", "sync"]);
  }, 120_000);

  step("a deleted file is gone from the container", async () => {
    writeFileSync(example.file("example/web/src/extra.txt"), "extra\n");
    for (let i = 0; i < 100 && (await shell("web", "cat /app/src/extra.txt")).stdout !== "extra\n"; i++) await sleep(100);
    expect((await shell("web", "cat /app/src/extra.txt")).stdout).toBe("extra\n");
    unlinkSync(example.file("example/web/src/extra.txt"));
    for (let i = 0; i < 100 && (await shell("web", "test -e /app/src/extra.txt")).exitCode === 0; i++) await sleep(100);
    expect((await shell("web", "test -e /app/src/extra.txt")).exitCode).not.toBe(0);
  }, 60_000);

  step("sync+restart: a config edit is synced and the process restarted (the title is read at start)", async () => {
    const since = Date.now();
    writeFileSync(example.file("example/web/config/settings.json"), `{ "title": "restarted shop" }\n`);
    const ms = await waitAnswer((a) => a.title === "restarted shop" && a.message === "edit 5", 30_000, "the restarted title", since);
    process.stdout.write(`[measure] config save → restarted process answering: ${ms} ms\n`);
    const change = await waitChange((c) => c.rule === "web:watch[1]", 5_000, "the sync+restart trace");
    expect(change.status).toBe("ok");
    expect(change.steps.map((s) => s.step)).toEqual(["wait", "sync", "restart"]);
    // The process restarted in place: the container did not.
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=web" });
    const statuses = pods.items.flatMap((p) => p.status?.containerStatuses ?? []);
    expect(statuses.map((c) => c.restartCount), JSON.stringify(statuses.map((c) => c.lastState))).toEqual([0]);
  }, 60_000);

  step("sync+exec: a package.json edit is synced and npm install runs in the container", async () => {
    const from = await after();
    const pkg = JSON.parse(readFileSync(example.file("example/web/package.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(example.file("example/web/package.json"), `${JSON.stringify({ ...pkg, description: "edited by the test" }, null, 2)}\n`);
    const change = await waitChange((c) => c.id > from && c.rule === "web:watch[2]", 120_000, "the sync+exec trace");
    expect(change.status, change.error).toBe("ok");
    expect(change.steps.map((s) => s.step)).toEqual(["wait", "sync", "exec"]);
    expect((await shell("web", "cat /app/package.json")).stdout).toContain("edited by the test");
  }, 150_000);

  step("a symlink to /etc is refused, with a message that names it", async () => {
    const from = await after();
    symlinkSync("/etc", example.file("example/web/src/etc-link"));
    const change = await waitChange((c) => c.id > from && (c.refused ?? []).some((r) => r.includes("etc-link")), 20_000, "the refusal");
    expect(change.refused?.find((r) => r.includes("etc-link"))).toMatch(/refused to sync "etc-link".*outside the watched root/);
    expect((await shell("web", "test -e /app/src/etc-link || test -L /app/src/etc-link")).exitCode).not.toBe(0);
    unlinkSync(example.file("example/web/src/etc-link"));
  }, 60_000);

  step("after a storm of 5,000 files, all are present with the right content", async () => {
    const storm = example.file("example/web/src/storm");
    const local = createHash("sha256");
    const names: string[] = [];
    const started = Date.now();
    for (let d = 0; d < 50; d++) {
      mkdirSync(path.join(storm, `d${String(d).padStart(2, "0")}`), { recursive: true });
      for (let f = 0; f < 100; f++) {
        const rel = `d${String(d).padStart(2, "0")}/f${String(f).padStart(3, "0")}.txt`;
        writeFileSync(path.join(storm, rel), `content of ${rel}\n`);
        names.push(rel);
      }
    }
    for (const rel of names.sort()) local.update(`content of ${rel}\n`);
    const want = `${local.digest("hex")} 5000`;
    const check = "cd /app/src/storm 2>/dev/null && n=$(find . -type f | wc -l) && h=$(find . -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -d' ' -f1) && echo \"$h $n\"";
    let got = "";
    while (Date.now() - started < 120_000) {
      got = (await shell("web", check)).stdout.trim();
      if (got === want) break;
      await sleep(500);
    }
    process.stdout.write(`[measure] storm: first write → 5,000 files verified in the container: ${Date.now() - started} ms\n`);
    expect(got).toBe(want);
    rmSync(storm, { recursive: true, force: true });
  }, 180_000);

  step("after the pod is killed, the new pod serves the edited code", async () => {
    const old = await runningPod("web");
    await core.deleteNamespacedPod({ name: old, namespace });
    const since = Date.now();
    for (let i = 0; i < 240 && (await runningPod("web")) === old; i++) await sleep(500);
    const fresh = await runningPod("web");
    expect(fresh).not.toBe(old);
    const ms = await waitAnswer((a) => a.message === "edit 5" && a.title === "restarted shop", 120_000, "the edited code on the new pod", since);
    process.stdout.write(`[measure] pod deleted → new pod serving the edited code: ${ms} ms\n`);
    const reconcile = await waitChange((c) => c.trigger === "pod" && c.pods.includes(fresh), 30_000, "the new pod's reconcile");
    expect(reconcile.status, reconcile.error).toBe("ok");
    expect(reconcile.files).toEqual(expect.arrayContaining(["message.js", "settings.json"]));
    expect((await shell("web", "test -e /app/src/extra.txt")).exitCode).not.toBe(0);
  }, 300_000);

  step("an edit to the compiled service's source gives a new answer", async () => {
    const main = example.file("example/api/main.go");
    const source = readFileSync(main, "utf8");
    const since = Date.now();
    writeFileSync(main, source.replace('"hello from api"', '"compiled edit"'));
    const ms = await waitAnswer((a) => a.api?.message === "compiled edit", 240_000, "the recompiled api", since);
    process.stdout.write(`[measure] main.go save → new compiled answer (first compile, cold cache possible): ${ms} ms\n`);
    const change = await waitChange((c) => c.service === "api" && c.action === "compile" && c.status === "ok", 10_000, "the compile trace");
    expect(change.steps.map((s) => s.step)).toEqual(["wait", "compile", "sync", "restart"]);
    // The bed's kubelet runs on devloop's Docker engine: the artifact went straight into the container (no exec),
    // owned by the container's user (the image's USER 1000) as tar over exec would leave it.
    expect(change.steps.find((s) => s.step === "sync")?.detail).toMatch(/^\/app\/api \(\d+\.\d MiB\) → api-.* \(Docker engine\)$/);
    expect((await shell("api", "stat -c '%u %a' /app/api")).stdout.trim()).toBe("1000 755");
  }, 300_000);

  step("a compile error keeps the old answer served, and the error is reported", async () => {
    const from = await after();
    const main = example.file("example/api/main.go");
    const good = readFileSync(main, "utf8");
    writeFileSync(main, good.replace("func main() {", "func main() {\n\tundefinedThing()"));
    const change = await waitChange((c) => c.id > from && c.service === "api" && c.action === "compile", 120_000, "the failed compile");
    expect(change.status).toBe("failed");
    expect(change.error).toMatch(/undefined: undefinedThing.*the running version stays/);
    // The change is recorded when it has ended: a failed compile syncs and restarts nothing.
    expect((await answer())?.api?.message).toBe("compiled edit");
    writeFileSync(main, good);
  }, 180_000);
});
