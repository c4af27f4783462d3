/**
 * The port-forward's spare streams (adapters/forward-spares.ts) against the bed's real kubelet, through the latency
 * proxy at 50 ms round trip: each used forward keeps one stream opened ahead, and the kubelet dials the pod's port as
 * soon as a stream opens, so the server in the pod sees idle connections. Two servers that react to that:
 * - an HTTP server that closes a connection after 1 s without a byte: clients that open a new connection per
 *   request, at gaps around that limit, always get their answer (a spare the server closed is never handed out dead:
 *   it is dropped, or replaced transparently when its end was still on the way);
 * - a TCP server that speaks first (a numbered greeting, then echo): every client gets its own fresh greeting.
 */
import { rmSync } from "node:fs";
import { get } from "node:http";
import { connect, createServer, type AddressInfo, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { createKubeCluster } from "../../src/adapters/kube-cluster.js";
import type { ClusterClient } from "../../src/ports/cluster.js";
import { kubeconfigServer, proxiedKubeconfig, startLatencyProxy, type LatencyProxy } from "../support/latency-proxy.js";
import { bedImages, bedKubeconfigPath, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "./helpers/index.js";

const SERVER = `
const http = require("node:http");
const net = require("node:net");
const web = http.createServer((req, res) => res.end("answer " + req.url));
web.on("connection", (s) => s.setTimeout(1000, () => s.destroy()));
web.listen(8080);
let n = 0;
// The readiness probe's connections close at once: a write to one fails, which must not end the server.
net.createServer((s) => { s.on("error", () => s.destroy()); s.write("hello " + ++n + "\\n"); s.pipe(s); }).listen(8081);
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("port-forward: streams opened ahead, against servers that close idle connections or speak first", () => {
  let kc: KubeConfig;
  let ns = "";
  let proxy: LatencyProxy | undefined;
  let kubeconfig = "";
  let cluster: ClusterClient;
  const listeners: Server[] = [];

  /** 127.0.0.1:<free> → the pod's port, through the adapter as the daemon uses it. */
  const forward = async (remotePort: number): Promise<number> => {
    const server = createServer((socket) => {
      socket.on("error", () => socket.destroy());
      cluster.portForward({ namespace: ns, pod: "srv", remotePort }, socket).catch(() => socket.destroy());
    });
    listeners.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return (server.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    ns = await createTestNamespace(kc, "it-spare");
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "srv" },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: "srv", image: bedImages().node, imagePullPolicy: "Never", command: ["node", "-e", SERVER], readinessProbe: { tcpSocket: { port: 8081 }, periodSeconds: 1 } }],
        },
      },
    });
    await waitForPodReady(kc, { namespace: ns, name: "srv" });
    const target = kubeconfigServer(bedKubeconfigPath());
    proxy = await startLatencyProxy({ targetHost: target.host, targetPort: target.port, delayMs: 25 });
    kubeconfig = proxiedKubeconfig(bedKubeconfigPath(), proxy.port);
    const proxied = new KubeConfig();
    proxied.loadFromFile(kubeconfig);
    cluster = createKubeCluster({ kubeConfig: proxied });
  }, 180_000);

  afterAll(async () => {
    cluster.dropSpareForwards(ns);
    for (const s of listeners) s.close();
    await proxy?.close();
    if (kubeconfig !== "") rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
    await deleteTestNamespace(kc, ns);
  }, 120_000);

  it("answers every request on a new connection, whether the spare is fresh, just closed by the server, or long dead", async () => {
    const port = await forward(8080);
    const ask = (i: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const req = get({ host: "127.0.0.1", port, path: `/${i}`, agent: false, timeout: 10_000 }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve(body));
          res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`request ${i} timed out`)));
        req.on("error", reject);
      });
    // Gaps below, around and above the server's 1 s idle limit (plus the proxy's 25 ms each way).
    const gaps = [0, 0, 100, 500, 900, 950, 1_000, 1_050, 1_100, 1_200, 0, 0, 1_500, 2_500, 980, 1_020, 1_080, 940, 1_150, 0];
    const answers: string[] = [];
    for (const [i, gap] of gaps.entries()) {
      await sleep(gap);
      answers.push(await ask(i));
    }
    expect(answers).toEqual(gaps.map((_, i) => `answer /${i}`));
  }, 120_000);

  it("gives each client of a server that speaks first its own fresh greeting, and carries its bytes", async () => {
    const port = await forward(8081);
    const greetings: string[] = [];
    for (let i = 0; i < 5; i++) {
      const text = await new Promise<string>((resolve, reject) => {
        const s = connect(port, "127.0.0.1");
        let got = "";
        s.setEncoding("utf8");
        s.on("data", (c: string) => {
          got += c;
          if (got.includes("\n") && !got.includes("ping")) s.write(`ping ${i}\n`);
          if (got.includes(`ping ${i}\n`)) {
            s.destroy();
            resolve(got);
          }
        });
        s.on("error", reject);
        s.on("close", () => reject(new Error(`client ${i}'s connection closed with ${JSON.stringify(got)}`)));
        s.setTimeout(10_000, () => s.destroy(new Error(`client ${i} timed out with ${JSON.stringify(got)}`)));
      });
      greetings.push(text.split("\n")[0] ?? "");
      expect(text).toMatch(new RegExp(`^hello \\d+\\nping ${i}\\n$`));
      await sleep(200);
    }
    // Every greeting is a new connection's: none is repeated, none was held back from an earlier one.
    expect(new Set(greetings).size).toBe(5);
  }, 120_000);
});
