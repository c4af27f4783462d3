/**
 * fixtures/real-world/placement on the bed: node.hostname == <the bed's node> → nodeSelector, the api runs there and
 * serves; node.labels.accelerator == nvidia-a100 matches no node, so the trainer stays Pending, unschedulable — and
 * up --detach says so at once (exit 1 with the scheduler's message), as for a crash, instead of waiting out its timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, kube, nodeImage } from "./daemon-support.js";
import { fetchText, realWorldProject } from "./real-world-support.js";

describe("placement constraints (fixtures/real-world/placement)", () => {
  const project = realWorldProject("placement");
  const { core } = kube();
  let port = 0;
  let node = "";

  beforeAll(async () => {
    port = await freePort();
    node = (await core.listNode()).items[0]?.metadata?.labels?.["kubernetes.io/hostname"] ?? "";
    await project.setUp({ NODE_IMAGE: nodeImage, API_PORT: port, NODE_NAME: node });
  });
  afterAll(() => project.tearDown());

  it("runs the api on the named node, and up --detach fails within seconds on the trainer no node can take, with the scheduler's reason", async () => {
    const started = Date.now();
    const up = await project.daemon.cli(["up", "-d", "-p", project.name, "-n", project.ns, "--wait-timeout", "120"], project.dir, 150_000);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`[timing] up -d with an unschedulable service: exit ${up.code} after ${seconds.toFixed(1)} s\n`);
    expect(up.code).toBe(1);
    expect(seconds).toBeLessThan(30);
    expect(up.stderr).toMatch(/trainer failed: Unschedulable/);
    expect(up.stderr).toMatch(/node\(s\) didn't match (Pod's )?node (selector|affinity)/);
    expect(await fetchText(`http://127.0.0.1:${port}/`, 60_000)).toContain(`api pinned to ${node}`);
    const pods = await core.listNamespacedPod({ namespace: project.ns });
    const api = pods.items.find((p) => p.metadata?.labels?.["devloop.dev/service"] === "api");
    expect(api?.spec?.nodeName).toBe(node);
    expect(api?.spec?.nodeSelector).toMatchObject({ "kubernetes.io/hostname": node, "kubernetes.io/os": "linux" });
    const trainer = pods.items.find((p) => p.metadata?.labels?.["devloop.dev/service"] === "trainer");
    expect(trainer?.status?.phase).toBe("Pending");
    const scheduled = trainer?.status?.conditions?.find((c) => c.type === "PodScheduled");
    expect(scheduled?.reason).toBe("Unschedulable");
    // 1.20's scheduler checks a nodeSelector in its NodeAffinity filter: "didn't match Pod's node affinity"; later
    // ones say "node affinity/selector" (older ones "node selector").
    expect(scheduled?.message).toMatch(/node\(s\) didn't match (Pod's )?node (selector|affinity)/);
    const p = await project.daemon.project(project.name);
    const view = p?.services.find((s) => s.name === "trainer");
    expect(view?.phase).toBe("failed");
    expect(view?.failure).toMatchObject({ reason: "Unschedulable" });
    process.stdout.write(`[status] trainer: ${view?.phase} ${view?.message ?? ""}\n`);
  });
});
