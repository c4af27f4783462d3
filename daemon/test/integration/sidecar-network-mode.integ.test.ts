/**
 * fixtures/real-world/sidecar-network-mode on the bed: the exporter (network_mode: service:web, build: of its own)
 * runs as a second container in web's pod, on its built content-hash tag, reaches web on localhost, answers on its
 * own published port, keeps its own name in status and logs, and its restart replaces web's pod. Its configuration is
 * bind-mounted (`./exporter/conf:/exporter/conf:ro`): the exporter container waits for that tree itself (the sidecar's
 * devloop-bind-exporter folded in at apply, engine/bind-wait.ts), and an edit of it reaches the running sidecar.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, kube, nodeImage } from "./daemon-support.js";
import { fetchText, realWorldProject } from "./real-world-support.js";

describe("a sidecar sharing web's network (fixtures/real-world/sidecar-network-mode)", () => {
  const project = realWorldProject("sidecar-network-mode");
  let web = 0;
  let exporter = 0;

  beforeAll(async () => {
    web = await freePort();
    exporter = await freePort();
    await project.setUp({ NODE_IMAGE: nodeImage, WEB_PORT: web, EXPORTER_PORT: exporter });
  });
  afterAll(() => project.tearDown());

  it("comes up with the exporter as a container of web's pod, reaching web on localhost", async () => {
    const result = await project.up();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const { apps } = kube();
    const deployments = await apps.listNamespacedDeployment({ namespace: project.ns });
    expect(deployments.items.map((d) => d.metadata?.name)).toEqual(["web"]);
    const containers = deployments.items[0]?.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => c.name)).toEqual(["web", "exporter"]);
    // Both images are the built content-hash tags, the sidecar's too (not the compose name, which exists nowhere).
    expect(containers.map((c) => c.image)).toEqual([expect.stringMatching(/:dl-[0-9a-f]{12}$/), expect.stringMatching(/:dl-[0-9a-f]{12}$/)]);
    const view = await project.daemon.project(project.name);
    expect(containers.find((c) => c.name === "exporter")?.image).toBe(view?.services.find((s) => s.name === "exporter")?.build?.ref);
    expect(await fetchText(`http://127.0.0.1:${web}/`)).toContain("web is up");
    expect(await fetchText(`http://127.0.0.1:${exporter}/`)).toMatch(/exporter saw over localhost: web is up/);
    // The sidecar's bind: no init container is left; the exporter's own command waits for its fill (its built image's
    // CMD after the wait), with the startupProbe on the ready file.
    const spec = deployments.items[0]?.spec?.template.spec;
    expect((spec?.initContainers ?? []).map((c) => c.name)).toEqual([]);
    const sidecar = containers.find((c) => c.name === "exporter");
    expect(sidecar?.command?.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(sidecar?.args).toEqual(["node", "exporter.js"]);
    expect(sidecar?.startupProbe?.exec?.command?.join(" ")).toContain("/.devloop-bind/ready");
    expect(containers.find((c) => c.name === "web")?.startupProbe).toBeUndefined();
  });

  it("an edit of the sidecar's bind-mounted configuration reaches the running exporter", async () => {
    writeFileSync(join(project.dir, "exporter", "conf", "label.txt"), "exporter v2\n");
    const until = Date.now() + 30_000;
    let body = "";
    while (Date.now() < until && !body.startsWith("exporter v2 ")) {
      body = await fetchText(`http://127.0.0.1:${exporter}/`).catch(() => "");
      if (!body.startsWith("exporter v2 ")) await new Promise((r) => setTimeout(r, 200));
    }
    expect(body).toMatch(/^exporter v2 saw over localhost: web is up/);
    writeFileSync(join(project.dir, "exporter", "conf", "label.txt"), "exporter\n");
    const back = Date.now() + 30_000;
    while (Date.now() < back && !/^exporter saw/.test(body)) {
      body = await fetchText(`http://127.0.0.1:${exporter}/`).catch(() => "");
      if (!/^exporter saw/.test(body)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(body).toMatch(/^exporter saw over localhost: web is up/);
  });

  it("keeps the exporter's own name in status and logs", async () => {
    const p = await project.daemon.waitFor(project.name, (x) => x?.services.find((s) => s.name === "exporter")?.phase === "ready", 60_000, "exporter ready");
    const exporterView = p?.services.find((s) => s.name === "exporter");
    expect(exporterView?.pods.length).toBe(1);
    const status = await project.daemon.cli(["status"], project.dir, 30_000);
    expect(status.stdout).toMatch(/exporter\s+\S+\s+ready/);
    const logs = await project.daemon.cli(["logs", "-p", project.name, "exporter"], project.dir, 30_000);
    expect(logs.stdout).toContain("exporter listening on 9100");
    expect(logs.stdout).not.toContain("web listening on 3000");
  });

  it("restart of the exporter (no supervisor) replaces web's pod, and both serve again", async () => {
    const before = (await project.daemon.project(project.name))?.services.find((s) => s.name === "web")?.pods ?? [];
    expect(before).toHaveLength(1);
    const restart = await project.daemon.cli(["restart", "-p", project.name, "exporter"], project.dir, 60_000);
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    const p = await project.daemon.waitFor(
      project.name,
      (x) => {
        const exporter = x?.services.find((s) => s.name === "exporter");
        return exporter?.phase === "ready" && exporter.pods.length === 1 && !exporter.pods.includes(before[0] ?? "");
      },
      90_000,
      "exporter ready on a new pod",
    );
    expect(p?.services.find((s) => s.name === "web")?.pods).toEqual(p?.services.find((s) => s.name === "exporter")?.pods);
    expect(await fetchText(`http://127.0.0.1:${exporter}/`)).toMatch(/exporter saw over localhost: web is up/);
  });
});
