/**
 * fixtures/real-world/global-service on the bed: deploy.mode: global runs as a DaemonSet, one pod per node, ready only
 * when its pods are, and serves; its port without a host port ("9201") is forwarded from a free local port that
 * status shows, and a daemon killed and started again takes that same port again (kept in state.json), or another
 * free one when something else listens there meanwhile.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicPortForward } from "../../../daemon/src/api/types.js";
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

  it("a daemon killed (-9) and started again serves 9201 on the same local port; when that port is taken meanwhile, on another free one it reports", async () => {
    const forward = async (): Promise<PublicPortForward | undefined> => {
      const p = await project.daemon.waitFor(project.name, (x) => x?.services.find((s) => s.name === "node-agent")?.ports.some((f) => f.remote === 9201 && f.status === "active" && f.local > 0) === true, 60_000, "9201 forwarded again");
      return p?.services.find((s) => s.name === "node-agent")?.ports.find((f) => f.remote === 9201);
    };
    const first = (await forward())?.local ?? 0;
    expect(first).toBeGreaterThan(0);
    // Killed as a crash or an OOM kill would (no shutdown): the new daemon resumes the project from state.json.
    await project.daemon.kill9();
    await project.daemon.start();
    expect(await forward()).toMatchObject({ local: first, ephemeral: true, status: "active" });
    expect(await fetchText(`http://127.0.0.1:${first}/`)).toBe("agent_up 1\n");
    // Another listener takes that port while no daemon runs: the next daemon picks a different free one and says so.
    await project.daemon.kill9();
    const squatter = createServer((socket) => socket.end("squatter\n"));
    await new Promise<void>((resolve, reject) => { squatter.once("error", reject); squatter.listen(first, "127.0.0.1", () => resolve()); });
    try {
      await project.daemon.start();
      const moved = await forward();
      expect(moved).toMatchObject({ ephemeral: true, status: "active" });
      const second = moved?.local ?? 0;
      expect(second).toBeGreaterThan(0);
      expect(second).not.toBe(first);
      expect(await fetchText(`http://127.0.0.1:${second}/`)).toBe("agent_up 1\n");
      const status = await project.daemon.cli(["status"], project.dir, 30_000);
      expect(status.stdout).toMatch(new RegExp(`\\b${second}:9201\\b`));
      // The port it took is the one remembered now: a further restart, the old port free again, keeps the new one.
      await project.daemon.kill9();
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      await project.daemon.start();
      expect(await forward()).toMatchObject({ local: second, status: "active" });
      expect(await fetchText(`http://127.0.0.1:${second}/`)).toBe("agent_up 1\n");
    } finally {
      if (squatter.listening) squatter.close();
    }
  }, 180_000);
});
