/**
 * fixtures/real-world/global-service on the bed: deploy.mode: global runs as a DaemonSet, one pod per node, ready only
 * when its pods are, and serves; its port without a host port ("9201") is forwarded from a free local port that
 * status shows.
 */
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

  it("runs one agent per node as a DaemonSet, ready when its pods are, and serves through its published port", async () => {
    const result = await project.up();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const { apps, core } = kube();
    // The nodes a DaemonSet's pods can land on: not the two-node bed's tainted second node (up --nodes 2).
    const nodes = { items: (await core.listNode()).items.filter((n) => !(n.spec?.taints ?? []).some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute")) };
    const daemonSets = await apps.listNamespacedDaemonSet({ namespace: project.ns });
    expect(daemonSets.items.map((d) => d.metadata?.name)).toEqual(["node-agent"]);
    // up -d said ready: the engine judged it from the DaemonSet's pods, so they are ready already (no waiting here).
    const ds = await apps.readNamespacedDaemonSet({ name: "node-agent", namespace: project.ns });
    expect(ds.status?.numberReady, JSON.stringify(ds.status)).toBe(nodes.items.length);
    const view = (await project.daemon.project(project.name))?.services.find((s) => s.name === "node-agent");
    expect(view).toMatchObject({ kind: "DaemonSet", phase: "ready" });
    expect(view?.pods).toHaveLength(nodes.items.length);
    expect(await fetchText(`http://127.0.0.1:${port}/`)).toMatch(/^agent on node-agent-/);
  });

  it('forwards the port without a host port ("9201") from a free local port, shown in status', async () => {
    const p = await project.daemon.waitFor(project.name, (x) => x?.services.find((s) => s.name === "node-agent")?.ports.some((f) => f.remote === 9201 && f.status === "active") === true, 30_000, "9201 forwarded");
    const forward = p?.services.find((s) => s.name === "node-agent")?.ports.find((f) => f.remote === 9201);
    expect(forward).toMatchObject({ ephemeral: true, status: "active" });
    const local = forward?.local ?? 0;
    expect(local).toBeGreaterThan(0);
    expect(local).not.toBe(port);
    expect(await fetchText(`http://127.0.0.1:${local}/`)).toBe("agent_up 1\n");
    const status = await project.daemon.cli(["status"], project.dir, 30_000);
    expect(status.stdout).toMatch(new RegExp(`\\b${local}:9201\\b`));
  });
});
