// A port-forward from 127.0.0.1 to a pod, through @kubernetes/client-node's WebSocket PortForward.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  buildEchoServerImage,
  createTestNamespace,
  deleteTestNamespace,
  echoPod,
  loadBedKubeConfig,
  openPortForward,
  waitForPodReady,
} from "./helpers/index.js";
import type { OpenPortForward } from "./helpers/index.js";

describe("cluster: port-forward", () => {
  let kc: KubeConfig;
  let ns: string;
  let forward: OpenPortForward | undefined;

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    ns = await createTestNamespace(kc, "it-pf");
    const image = await buildEchoServerImage();
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: echoPod({ name: "web", image, env: { GREETING: "pf" } }) });
    await waitForPodReady(kc, { namespace: ns, name: "web" });
  });
  afterAll(async () => {
    await forward?.close();
    await deleteTestNamespace(kc, ns);
  });

  it("answers HTTP on 127.0.0.1, request after request", async () => {
    forward = await openPortForward(kc, { namespace: ns, pod: "web", port: 8080 });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${forward.localPort}/n/${i}`, { signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ host: "web", path: `/n/${i}`, greeting: "pf" });
    }
  });
});
