/**
 * Issue 12 item 5 on the bed: the daemon talks to the apiserver through a latency proxy (25 ms each way, 50 ms round
 * trip; daemon/test/support/latency-proxy.ts). In the middle of an edit stream every connection through it is cut —
 * the sync session's exec, the watches, the port-forwards — three times, the last one followed by a 3 s outage in which
 * every new connection is closed at once. Afterwards the port-forward answers with the last
 * edit, a new sync session carries the edits, and the pod's bind-mounted tree equals the local tree by hashes: no
 * edit lost, deletes included.
 */
import { rmSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeconfigServer, proxiedKubeconfig, startLatencyProxy, type LatencyProxy } from "../support/latency-proxy.js";
import { createTestDaemon, freePort, kube, sleep, suffix } from "./daemon-support.js";
import { bedImages, bedKubeconfigPath, execInPod, loadBedKubeConfig } from "./helpers/index.js";
import { fetchUntil, localTreeHashes, realWorldCopy } from "./helpers/real-world.js";

const sorted = (m: Map<string, string>): [string, string][] => [...m].sort(([a], [b]) => a.localeCompare(b));

describe("every connection to the apiserver cut in the middle of an edit stream, at 50 ms round trip", () => {
  const daemon = createTestDaemon();
  const { core } = kube();
  // The test's own look-ups go to the apiserver directly, not through the proxy it cuts.
  const kc = loadBedKubeConfig();
  const copy = realWorldCopy("node-bind-node-modules");
  const namespace = `dlcut${suffix()}`;
  let proxy: LatencyProxy | undefined;
  let kubeconfig = "";
  let port = 0;

  const runningPod = async (): Promise<string> => {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=app" });
    return pods.items.find((p) => p.status?.phase === "Running" && p.metadata?.deletionTimestamp === undefined)?.metadata?.name ?? "";
  };
  const inPod = async (script: string): Promise<string> =>
    (await execInPod(kc, { namespace, pod: await runningPod(), container: "app", command: ["sh", "-c", script], timeoutMs: 60_000 })).stdout;
  const podTree = async (): Promise<Map<string, string>> => {
    const out = await inPod("cd /app && find . -path ./node_modules -prune -o -type f -exec sha256sum {} +");
    return new Map(out.split("\n").filter((l) => l.includes("  ./")).map((l) => [l.slice(l.indexOf("  ./") + 4), l.slice(0, 64)]));
  };
  /** The pids of the sync session's agents in the pod (their command line holds the agent's `echo "ready $r"`). */
  const agents = async (): Promise<string[]> =>
    // The pattern is put together at run time so that this script's own command line does not hold it.
    (await inPod(`pat='echo "rea'; pat="\${pat}dy"; for p in /proc/[0-9]*; do [ "\${p#/proc/}" = $$ ] && continue; grep -qsF "$pat" "$p/cmdline" && echo "\${p#/proc/}"; done; true`)).split("\n").filter((l) => /^\d+$/.test(l));

  beforeAll(async () => {
    const target = kubeconfigServer(bedKubeconfigPath());
    proxy = await startLatencyProxy({ targetHost: target.host, targetPort: target.port, delayMs: 25 });
    kubeconfig = proxiedKubeconfig(bedKubeconfigPath(), proxy.port);
    port = await freePort();
    Object.assign(daemon.env, { KUBECONFIG: kubeconfig, NODE_IMAGE: bedImages().node, APP_PORT: String(port) });
    await daemon.start();
    const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "240"], copy.dir, 300_000);
    if (up.code !== 0) throw new Error(`up failed: ${up.stdout}${up.stderr}`);
    await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("first message"), 60_000, "the first answer");
  }, 330_000);

  afterAll(async () => {
    await daemon.cli(["down", "-n", namespace], copy.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await proxy?.close();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    copy.remove();
    if (kubeconfig !== "") rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
  }, 180_000);

  it("recovers the sync session and the port-forward, and ends with the pod's tree equal to the local tree by hashes", async () => {
    if (proxy === undefined) throw new Error("no proxy");
    // A session is open before the cut: one edit through it, seen through the port-forward.
    copy.write("message.txt", "before the cut\n");
    await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("before the cut"), 30_000, "the edit before the cut");
    const before = await agents();
    expect(before.length).toBeGreaterThan(0);
    const pod = await runningPod();
    // A kept-alive connection through the port-forward, answered before the cut: the cut must end it (a client sees
    // the connection close and opens a new one), not leave it hanging.
    const held = connect({ host: "127.0.0.1", port });
    const heldClosed = new Promise<void>((resolve) => held.once("close", () => resolve()));
    held.on("error", () => undefined);
    const firstBytes = new Promise<string>((resolve) => held.once("data", (c: Buffer) => resolve(c.toString())));
    held.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
    expect(await firstBytes).toMatch(/^HTTP\/1\.1 200/);

    // The edit stream: new files, rewrites and deletes, with every connection cut three times while it goes on (the last with an outage).
    const cuts: number[] = [];
    for (let i = 0; i < 30; i++) {
      copy.write(`n${i}.txt`, `note ${i}\n`);
      if (i % 3 === 0) copy.write("message.txt", `stream ${i}\n`);
      if (i >= 6 && i % 6 === 0) rmSync(copy.file(`n${i - 5}.txt`));
      await sleep(40);
      // 40 ms after a write its batch has closed (10 ms of quiet, 30 with a removal) and its request and reply cross the
      // proxy's 25 ms each way: cut while it is in flight.
      if (i === 10 || i === 20) cuts.push(proxy.cut());
      // The last cut is an outage: for 3 s every new connection is closed at once, so retries fail too.
      if (i === 25) cuts.push(proxy.outage(3_000));
    }
    copy.write("message.txt", "after the cut\n");
    // The first cut cut something (the watches and the session's exec were open); a later one may find the daemon
    // still reconnecting after the one before, with nothing open to cut.
    expect(cuts[0]).toBeGreaterThan(0);

    // The held connection was ended by the cut; new connections through the port-forward answer with the last edit.
    await heldClosed;
    await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("after the cut"), 90_000, "the last edit through the port-forward");
    // The trees converge.
    const want = localTreeHashes(copy.dir, ["node_modules"]);
    let have = new Map<string, string>();
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      have = await podTree();
      if (JSON.stringify(sorted(have)) === JSON.stringify(sorted(want))) break;
      await sleep(500);
    }
    expect(sorted(have)).toEqual(sorted(want));
    expect(have.has("n1.txt")).toBe(false);
    expect(have.has("n29.txt")).toBe(true);
    // The same pod, brought in line (not replaced and refilled).
    expect(await runningPod()).toBe(pod);

    // A new sync session carries edits after the cut: an edit goes through, and an agent runs that was not there before.
    copy.write("message.txt", "through the new session\n");
    await fetchUntil(`http://127.0.0.1:${port}/`, (b) => b.includes("through the new session"), 60_000, "an edit after recovery");
    const after = await agents();
    if (process.env["DEBUG_CUT"]) {
      const changes = (await (await daemon.client()).state()).projects[0]?.changes ?? [];
      console.log(JSON.stringify({ cuts, before, after, total: proxy.connections, changes: changes.map((c) => [c.action, c.status, c.trigger, c.fileCount, Math.round(c.totalMs), c.error?.slice(0, 160), c.steps.map((x) => `${x.step}:${Math.round(x.ms)}`).join(",")]) }, null, 1));
    }
    expect(after.filter((p) => !before.includes(p)).length).toBeGreaterThan(0);
  }, 400_000);
});
