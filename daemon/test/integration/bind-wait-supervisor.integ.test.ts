/**
 * The app container's own wait for its bind fill (engine/bind-wait.ts) combined with the process supervisor, on the
 * bed: a service whose compose entrypoint is known and whose develop.watch restarts its process runs one sh — the
 * supervisor's script with the wait as its first line — and no devloop-bind init container. It starts with the tree,
 * and an edit restarts the process in place (no new pod, no container restart) without waiting for a fill again.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, freePort, kube, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/index.js";
import { fetchUntil } from "./helpers/real-world.js";

const server = (message: string): string =>
  `require("node:http").createServer((q, r) => r.end(${JSON.stringify(message)} + " " + process.pid + "\\n")).listen(3000);\n`;

describe("a supervised service with a bind: one shell waits for the fill and supervises", () => {
  const daemon = createTestDaemon();
  const { core } = kube();
  const dir = mkdtempSync(path.join(tmpdir(), "devloop-it-bind-supervisor-"));
  const namespace = `dlbindsup${suffix()}`;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    writeFileSync(path.join(dir, "server.js"), server("first"));
    writeFileSync(
      path.join(dir, "compose.yml"),
      [
        "services:",
        "  app:",
        `    image: ${bedImages().node}`,
        '    entrypoint: ["node", "/src/server.js"]',
        "    ports:",
        '      - "${APP_PORT}:3000"',
        "    volumes:",
        "      - .:/src",
        "    develop:",
        "      watch:",
        "        - path: ./server.js",
        "          target: /src/server.js",
        "          action: sync+restart",
        "",
      ].join("\n"),
    );
    Object.assign(daemon.env, { APP_PORT: String(port) });
    await daemon.start();
  }, 60_000);

  afterAll(async () => {
    await daemon.cli(["down", "-n", namespace], dir, 120_000).catch(() => undefined);
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it("starts with the tree, under one sh, and an edit restarts the process in place", async () => {
    const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "240"], dir, 300_000);
    expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
    const url = `http://127.0.0.1:${port}/`;
    const first = await fetchUntil(url, (b) => b.startsWith("first "), 60_000, "the first answer");
    const pods = await core.listNamespacedPod({ namespace, labelSelector: "devloop.dev/service=app" });
    const pod = pods.items.find((p) => p.status?.phase === "Running");
    const spec = pod?.spec;
    expect((spec?.initContainers ?? []).map((c) => c.name)).not.toContain("devloop-bind");
    const app = spec?.containers[0];
    expect(app?.command?.[3]).toBe("devloop-supervisor");
    expect(app?.command?.[2]).toContain("until [ -e /.devloop-bind/ready ]");
    expect(app?.args).toEqual(["node", "/src/server.js"]);
    expect(app?.startupProbe?.exec?.command?.join(" ")).toContain("/.devloop-bind/ready");
    // The edit: synced, the process restarted by the supervisor (a new pid), the container not restarted.
    writeFileSync(path.join(dir, "server.js"), server("second"));
    const second = await fetchUntil(url, (b) => b.startsWith("second "), 60_000, "the edited answer");
    expect(second.split(" ")[1]).not.toBe(first.split(" ")[1]);
    const after = await core.readNamespacedPod({ namespace, name: pod?.metadata?.name ?? "" });
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  }, 360_000);
});
