/**
 * compose.example.yml end to end on the real local cluster: the real daemon and `devloop up --detach` — web, api
 * and migrate built by the daemon's build controller (content-hash tags) — until every service is ready — cache's PVC bound by the bed's hostpath provisioner, `cache` (headless: no ports) resolved by the bed's
 * DNS, migrate completed before web — then web answering through devloop's port-forward, then `down`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, freePort, kube, repoRoot, sleep, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/index.js";

const namespace = `dlex${suffix()}`;
const project = "shop";

interface WebAnswer {
  readonly message?: string;
  readonly api?: { readonly message?: string };
  readonly schema?: string | null;
}

describe("compose.example.yml on the local cluster", () => {
  const daemon = createTestDaemon();
  const { core, apps } = kube();
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    const images = bedImages();
    // The bed's base images, as `scripts/local-cluster env` exports them; WEB_PORT is what the example publishes.
    Object.assign(daemon.env, {
      NODE_IMAGE: images.node,
      GO_IMAGE: images.go,
      RUNTIME_IMAGE: images.runtime,
      REDIS_IMAGE: images.redis,
      WEB_PORT: String(port),
    });
    await daemon.start();
  }, 900_000);

  afterAll(async () => {
    await daemon.cli(["down", "-p", project, "-n", namespace, "--volumes"], repoRoot, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("up --detach exits 0 once every service is ready", async () => {
    const started = Date.now();
    const result = await daemon.cli(["up", "-f", "compose.example.yml", "-n", namespace, "--detach", "--wait-timeout", "300"], repoRoot, 360_000);
    process.stdout.write(`[measure] example up --detach until ready: ${Date.now() - started} ms\n`);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(`${project}: all services ready`);
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: "cache-data", namespace });
    expect(pvc.status?.phase).toBe("Bound");
    // devloop built the images itself: the workloads run content-hash tags, not the compose names.
    const web = await apps.readNamespacedDeployment({ name: "web", namespace });
    expect(web.spec?.template.spec?.containers[0]?.image).toMatch(/:dl-[0-9a-f]{12}$/);
    // web's healthcheck (node -e fetch of its own /healthz) is the kubelet's httpGet, which starts no process, and it passed.
    expect(web.spec?.template.spec?.containers[0]?.readinessProbe).toMatchObject({ httpGet: { path: "/healthz", port: 3000 }, periodSeconds: 2 });
    const webPods = await core.listNamespacedPod({ namespace, labelSelector: "app.kubernetes.io/name=web" });
    expect(webPods.items.some((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))).toBe(true);
  }, 400_000);

  it("web answers through the port-forward with api's message and the schema migrate wrote", async () => {
    await daemon.waitFor(project, (x) => x?.services.find((s) => s.name === "web")?.ports[0]?.status === "active", 30_000, "web's port-forward");
    let answer: WebAnswer | undefined;
    let last = "";
    for (let i = 0; i < 40 && answer === undefined; i++) {
      last = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()).catch((e: unknown) => String(e));
      try {
        const parsed = JSON.parse(last) as WebAnswer;
        if (parsed.api?.message !== undefined && parsed.schema === "3") answer = parsed;
      } catch {
        // not up yet
      }
      if (answer === undefined) await sleep(500);
    }
    expect(answer, `last answer: ${last}`).toBeDefined();
    expect(answer).toMatchObject({ message: "hello from web", api: { message: "hello from api" }, schema: "3" });
  });

  it("down removes the project", async () => {
    const down = await daemon.cli(["down", "-p", project, "-n", namespace, "--volumes"], repoRoot, 120_000);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(await daemon.project(project)).toBeUndefined();
  });
});
