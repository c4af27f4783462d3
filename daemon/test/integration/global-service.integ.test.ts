/** fixtures/real-world/global-service on the bed: deploy.mode: global runs as a DaemonSet, one pod per node, and serves. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, kube, nodeImage } from "./daemon-support.js";
import { fetchText, realWorldProject } from "./real-world-support.js";

describe("a global service (fixtures/real-world/global-service)", () => {
  const project = realWorldProject("global-service");
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    await project.setUp({ NODE_IMAGE: nodeImage, AGENT_PORT: port });
  });
  afterAll(() => project.tearDown());

  it("runs one agent per node as a DaemonSet and serves through its published port", async () => {
    const result = await project.up();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const { apps, core } = kube();
    const nodes = await core.listNode();
    const daemonSets = await apps.listNamespacedDaemonSet({ namespace: project.ns });
    expect(daemonSets.items.map((d) => d.metadata?.name)).toEqual(["node-agent"]);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ds = await apps.readNamespacedDaemonSet({ name: "node-agent", namespace: project.ns });
      if ((ds.status?.numberReady ?? 0) === nodes.items.length) break;
      if (Date.now() > deadline) throw new Error(`DaemonSet not ready: ${JSON.stringify(ds.status)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await fetchText(`http://127.0.0.1:${port}/`)).toMatch(/^agent on node-agent-/);
  });
});
