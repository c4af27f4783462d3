/**
 * Issue 10: where the bind bench's first `up` spends its time. One round of bench/bind-tree.ts's project; prints each
 * daemon event (SSE /api/events, stamped on receipt), the pod's own timestamps (containers started/finished: the app
 * container, which waits for its fill itself since engine/bind-wait.ts, or a devloop-bind init container), the Docker
 * engine's container events, and the first answer, in ms from the `up` command's start.
 *
 *   eval "$(bash scripts/local-cluster env)"; npm run bench -- bind-stages
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { createTestDaemon, freePort, sleep } from "../daemon/test/integration/daemon-support.js";
import { bedImages, deleteTestNamespace, loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";
import { bindCompose, writeTree } from "./bind-tree.js";

interface Stamp { readonly at: number; readonly what: string }

const summarize = (e: Record<string, unknown>): string => {
  const project = e["project"];
  if (e["type"] === "project" && typeof project === "object" && project !== null) {
    const p = project as { status?: string; settled?: boolean; services?: readonly unknown[] };
    const services = JSON.stringify(p.services ?? []);
    return `project ${p.status ?? ""} settled=${String(p.settled)} services ${services.length > 400 ? `${services.slice(0, 400)}…` : services}`;
  }
  const rest = Object.fromEntries(Object.entries(e).filter(([k]) => k !== "seq" && k !== "type" && k !== "at"));
  const text = JSON.stringify(rest);
  return `${String(e["type"])} ${text.length > 220 ? `${text.slice(0, 220)}…` : text}`;
};

export const benchBindStages = async (rounds = Number(process.env["DEVLOOP_BENCH_ROUNDS"] ?? 2)): Promise<string> => {
  const tree = mkdtempSync(path.join(tmpdir(), "devloop-bench-bind-"));
  writeTree(tree);
  writeFileSync(path.join(tree, "compose.yml"), bindCompose(bedImages().node));
  const daemon = createTestDaemon();
  await daemon.start();
  let stamps: Stamp[] = [];
  const abort = new AbortController();
  const out: string[] = [];
  let ns = "";
  try {
    const info = JSON.parse(readFileSync(path.join(daemon.stateDir, "daemon.json"), "utf8")) as { port: number };
    const token = readFileSync(path.join(daemon.stateDir, "token"), "utf8").trim();
    const res = await fetch(`http://127.0.0.1:${info.port}/api/events`, { signal: abort.signal, headers: { Authorization: `Bearer ${token}` } });
    const t0 = { v: 0 };
    void (async () => {
      const body = res.body as AsyncIterable<Uint8Array> | null;
      if (body === null) return;
      let buf = "";
      try {
        for await (const value of body) {
          buf += Buffer.from(value).toString();
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = block.split("\n").find((l) => l.startsWith("data: "));
            if (data) stamps.push({ at: performance.now() - t0.v, what: summarize(JSON.parse(data.slice(6)) as Record<string, unknown>) });
          }
        }
      } catch { /* aborted */ }
    })();
    for (let round = 1; round <= rounds; round++) {
    ns = `dlbinds${Math.random().toString(36).slice(2, 6)}`;
    stamps = [];
    const port = await freePort();
    Object.assign(daemon.env, { APP_PORT: String(port) });
    const wall0 = Date.now();
    t0.v = performance.now();
    // The Docker engine's events for this namespace's containers, ns-stamped by the engine itself.
    const events = spawn("docker", ["events", "--filter", `label=io.kubernetes.pod.namespace=${ns}`, "--format", '{{.TimeNano}} {{.Type}} {{.Action}} {{index .Actor.Attributes "io.kubernetes.container.name"}}'], { stdio: ["ignore", "pipe", "ignore"] });
    events.on("error", () => undefined);
    let eventText = "";
    events.stdout.on("data", (d: Buffer) => (eventText += d.toString()));
    const upP = daemon.cli(["up", "-n", ns, "--detach", "--wait-timeout", "300"], tree, 360_000).then((r) => {
      stamps.push({ at: performance.now() - t0.v, what: `cli up exited ${r.code}` });
      return r;
    });
    let first = false;
    const until = Date.now() + 360_000;
    while (!first && Date.now() < until) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
        if (r.ok && (await r.text()) === "v0\n") first = true;
      } catch { /* not yet */ }
      if (!first) await sleep(20);
    }
    stamps.push({ at: performance.now() - t0.v, what: "first answer through the port-forward" });
    await upP;
    const core = loadBedKubeConfig().makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: ns });
    for (const p of pods.items) {
      const rel = (d: Date | string | undefined): number => (d === undefined ? NaN : new Date(d).getTime() - wall0);
      stamps.push({ at: rel(p.metadata?.creationTimestamp), what: `pod ${p.metadata?.name} created (1 s resolution)` });
      for (const c of p.status?.conditions ?? []) stamps.push({ at: rel(c.lastTransitionTime), what: `pod condition ${c.type}=${c.status} (1 s)` });
      for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
        const st = s.state?.running?.startedAt ?? s.state?.terminated?.startedAt;
        stamps.push({ at: rel(st), what: `container ${s.name} started (1 s)` });
        if (s.state?.terminated?.finishedAt) stamps.push({ at: rel(s.state.terminated.finishedAt), what: `container ${s.name} finished (1 s)` });
      }
    }
    const evs = await core.listNamespacedEvent({ namespace: ns });
    for (const e of evs.items) {
      const when = e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
      stamps.push({ at: when === undefined ? NaN : new Date(when).getTime() - wall0, what: `k8s ${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.reason}: ${(e.message ?? "").slice(0, 120)} (1 s)` });
    }
    events.kill();
    for (const line of eventText.split("\n")) {
      const [nanos, type, ...action] = line.split(" ");
      if (nanos === undefined || type === undefined || !/^\d+$/.test(nanos)) continue;
      stamps.push({ at: Number(BigInt(nanos) / 1_000_000n) - wall0, what: `docker ${type} ${action.join(" ")}` });
    }
    const downStarted = performance.now();
    await daemon.cli(["down", "-n", ns], tree, 120_000);
    await deleteTestNamespace(loadBedKubeConfig(), ns);
    stamps.push({ at: performance.now() - t0.v, what: `down and the namespace deleted (${((performance.now() - downStarted) / 1000).toFixed(1)} s)` });
    out.push(`### round ${round}`, "", "```", ...stamps.sort((a, b) => a.at - b.at).map((s) => `${(s.at / 1000).toFixed(2).padStart(7)} s  ${s.what}`), "```", "");
    ns = "";
    await sleep(2_000);
    }
  } finally {
    abort.abort();
    if (ns !== "") await deleteTestNamespace(loadBedKubeConfig(), ns).catch(() => undefined);
    await daemon.stop();
    rmSync(tree, { recursive: true, force: true });
  }
  return out.join("\n");
};
