/**
 * Issue 10 on the bed: the daemon is killed (-9) while a new pod waits for its bind-mounted tree — its app container's
 * command waits for the ready file (engine/bind-wait.ts) and nothing will make it. A new daemon resumes the project by
 * itself, finds the waiting pod, fills it and lets it start: the app serves a digest of every file it read at its start,
 * the same as the local tree's, and a later edit still reaches it. The `up` that was waiting on the killed daemon says
 * it lost it and ends.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, endProject, freePort, kube, sleep, srcBindProject, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/index.js";
import { fetchUntil, localTreeHashes } from "./helpers/real-world.js";

/** Reads every file under /app/lib at its start, in sorted order, and answers with their digest. */
const server = `const fs = require("node:fs"); const path = require("node:path"); const h = require("node:crypto").createHash("sha256");
const walk = (dir, rel) => { for (const name of fs.readdirSync(dir).sort()) { const p = path.join(dir, name); const r = rel + name;
  if (fs.statSync(p).isDirectory()) walk(p, r + "/"); else { h.update(r + " "); h.update(fs.readFileSync(p)); h.update("\\n"); } } };
walk("/app/lib", "");
const digest = h.digest("hex");
require("node:http").createServer((q, s) => s.end(digest + " " + fs.readFileSync("/app/message.txt", "utf8"))).listen(3000);
`;

describe("a daemon killed while a new pod waits for its bind fill, then restarted", () => {
  const daemon = createTestDaemon();
  const { core } = kube();
  const project = srcBindProject();
  const src = project.src;
  const namespace = `dlbindrst${suffix()}`;
  let port = 0;

  /** The digest the server computes, over the local tree. */
  const localDigest = (): string => {
    const h = createHash("sha256");
    const files = [...localTreeHashes(path.join(src, "lib")).keys()].sort((a, b) => {
      // readdirSync().sort() per directory: compare path segment by segment.
      const x = a.split("/");
      const y = b.split("/");
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? "") < (y[i] ?? "") ? -1 : 1;
      return x.length - y.length;
    });
    for (const rel of files) {
      h.update(`${rel} `);
      h.update(readFileSync(path.join(src, "lib", rel)));
      h.update("\n");
    }
    return h.digest("hex");
  };

  beforeAll(async () => {
    port = await freePort();
    // 40 directories × 25 files × 8 KiB: enough that the fill takes a moment, small enough for a test.
    for (let d = 0; d < 40; d++) {
      const sub = path.join(src, "lib", `d${String(d).padStart(2, "0")}`);
      mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 25; f++) writeFileSync(path.join(sub, `f${f}.js`), `// ${d}/${f}\n${`export const v = ${d * 100 + f};\n`.repeat(400)}`.slice(0, 8192));
    }
    writeFileSync(path.join(src, "message.txt"), "first\n");
    writeFileSync(path.join(src, "server.js"), server);
    Object.assign(daemon.env, { NODE_IMAGE: bedImages().node, APP_PORT: String(port) });
    await daemon.start();
  }, 120_000);

  afterAll(() => endProject(daemon, namespace, project), 180_000);

  it("fills the pod that waited, which then serves the whole tree, and keeps syncing", async () => {
    const up = daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "150"], project.dir, 200_000);
    // Killed as soon as the pod exists: before its app container runs, so the daemon cannot have made the ready file.
    const deadline = Date.now() + 120_000;
    let pod = "";
    while (Date.now() < deadline && pod === "") {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=app" }).catch(() => undefined);
      pod = pods?.items[0]?.metadata?.name ?? "";
      if (pod === "") await sleep(50);
    }
    expect(pod).not.toBe("");
    await daemon.kill9();
    // The up waiting on it says so and ends (it used to print that and then wait out its --wait-timeout).
    const killed = Date.now();
    const ended = await up;
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toContain("lost the devloop daemon");
    expect(Date.now() - killed).toBeLessThan(15_000);
    // With no daemon, the app waits: its container runs but has not started (the startupProbe on the ready file).
    const waitUntil = Date.now() + 60_000;
    let status: { running: boolean; started: boolean } = { running: false, started: false };
    while (Date.now() < waitUntil) {
      const p = await core.readNamespacedPod({ namespace, name: pod });
      const c = p.status?.containerStatuses?.find((s) => s.name === "app");
      status = { running: c?.state?.running !== undefined, started: c?.started === true };
      if (status.running) break;
      await sleep(250);
    }
    expect(status).toEqual({ running: true, started: false });
    await sleep(3_000);
    expect((await core.readNamespacedPod({ namespace, name: pod })).status?.containerStatuses?.find((s) => s.name === "app")?.started).toBe(false);

    // The new daemon resumes the project by itself and fills the pod that waits.
    await daemon.start();
    const restarted = Date.now();
    const body = await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("first"), 90_000, "the first answer after the restart");
    expect(body).toBe(`${localDigest()} first\n`);
    console.log(`[measure] daemon restarted → the waiting pod filled and serving: ${Date.now() - restarted} ms`);
    // The same pod, started once: filled where it waited, not replaced.
    const after = await core.readNamespacedPod({ namespace, name: pod });
    expect(after.status?.containerStatuses?.find((s) => s.name === "app")?.restartCount).toBe(0);

    writeFileSync(path.join(src, "message.txt"), "edited after the restart\n");
    await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("edited after the restart"), 30_000, "the edit");
  }, 300_000);
});
