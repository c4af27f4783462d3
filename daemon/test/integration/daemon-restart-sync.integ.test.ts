/**
 * Issue 15 item 3 on the bed: the daemon is killed (-9) in the middle of an edit stream, files are created, changed and
 * deleted while none runs, and the new daemon brings the running pod's bind-mounted tree to exactly the local tree,
 * compared by hashes — deletes included, which a daemon that only remembered in memory never applied.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, endProject, freePort, kube, sleep, srcBindProject, suffix } from "./daemon-support.js";
import { bedImages, execInPod, loadBedKubeConfig } from "./helpers/index.js";
import { fetchUntil, localTreeHashes } from "./helpers/real-world.js";

describe("a daemon killed during an edit stream, files deleted meanwhile, then restarted", () => {
  const daemon = createTestDaemon();
  const { core } = kube();
  const kc = loadBedKubeConfig();
  // An image service (no build: a resumed daemon would rebuild a context that changed and roll a new pod, which starts
  // with the current tree anyway) with its source bind-mounted.
  const project = srcBindProject();
  const src = project.src;
  const copy = {
    dir: project.dir,
    file: (rel: string): string => path.join(src, rel),
    write: (rel: string, text: string): void => writeFileSync(path.join(src, rel), text),
    remove: (): void => project.remove(),
  };
  const namespace = `dlrest${suffix()}`;
  let port = 0;

  const runningPod = async (): Promise<string> => {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=app" });
    return pods.items.find((p) => p.status?.phase === "Running" && p.metadata?.deletionTimestamp === undefined)?.metadata?.name ?? "";
  };
  const podTree = async (): Promise<Map<string, string>> => {
    const pod = await runningPod();
    const r = await execInPod(kc, { namespace, pod, container: "app", command: ["sh", "-c", "cd /app && find . -type f -exec sha256sum {} +"], timeoutMs: 60_000 });
    return new Map(r.stdout.split("\n").filter((l) => l.includes("  ./")).map((l) => [l.slice(l.indexOf("  ./") + 4), l.slice(0, 64)]));
  };

  beforeAll(async () => {
    port = await freePort();
    mkdirSync(src);
    copy.write("message.txt", "first message\n");
    copy.write("server.js", `require("node:http").createServer((q, s) => s.end(require("node:fs").readFileSync("/app/message.txt", "utf8"))).listen(3000);\n`);
    Object.assign(daemon.env, { NODE_IMAGE: bedImages().node, APP_PORT: String(port) });
    await daemon.start();
    const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "240"], copy.dir, 300_000);
    if (up.code !== 0) throw new Error(`up failed: ${up.stdout}${up.stderr}`);
    await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("first message"), 60_000, "the first answer");
  }, 330_000);

  afterAll(() => endProject(daemon, namespace, copy), 180_000);

  it("ends with the pod's tree equal to the local tree by hashes", async () => {
    // An edit stream, synced while the daemon runs.
    for (let i = 0; i < 12; i++) {
      copy.write(`n${i}.txt`, `note ${i}\n`);
      await sleep(100);
    }
    await fetchUntil(`http://127.0.0.1:${port}/`, () => true, 10_000, "an answer");
    const until = Date.now() + 30_000;
    while (Date.now() < until && !(await podTree()).has("n11.txt")) await sleep(250);
    expect((await podTree()).has("n11.txt")).toBe(true);
    const before = await runningPod();
    // kill -9 mid-stream: more edits go on as it dies.
    const kill = daemon.kill9();
    for (let i = 12; i < 16; i++) copy.write(`n${i}.txt`, `note ${i}\n`);
    await kill;
    // While no daemon runs: deletes of files it had synced, a change, a new file.
    for (const i of [0, 3, 5, 11]) rmSync(copy.file(`n${i}.txt`));
    copy.write("n1.txt", "changed while the daemon was down\n");
    copy.write("message.txt", "after the restart\n");
    copy.write("added-later.txt", "new\n");
    // The new daemon resumes the project by itself (no `up`, which would rebuild: the build context is the project,
    // so the image changed) and reconciles the pod it finds.
    await daemon.start();
    await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("after the restart"), 60_000, "the edit made while down");
    const want = localTreeHashes(src);
    let have = new Map<string, string>();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      have = await podTree();
      if (JSON.stringify([...have].sort()) === JSON.stringify([...want].sort())) break;
      await sleep(500);
    }
    expect([...have].sort()).toEqual([...want].sort());
    expect(have.has("n0.txt")).toBe(false);
    // The same pod: its tree was brought in line, not replaced by a new pod's fill.
    expect(await runningPod()).toBe(before);
  }, 300_000);
});
