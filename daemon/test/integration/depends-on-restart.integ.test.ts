/**
 * depends_on `restart: true` on the real local cluster (issue 14 item 11; the engine's own test,
 * dependent-restart-controller.test.ts, runs on the fake cluster): when a dependency is updated (a compose edit
 * re-applies it with new content) or restarted (`devloop restart db`), the service that names it with restart: true
 * gets new pods once the dependency is healthy again; a service depending on it without restart: true keeps its pod.
 */
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { PublicProject } from "../../src/api/types.js";
import { createTestDaemon, kube, nodeImage, projectDir, suffix } from "./daemon-support.js";
import { inOrder } from "./helpers/steps.js";
import { waitUntil } from "./helpers/test-deadline.js";

const name = `dlrs${suffix()}`;
const ns = `${name}-it`;

const compose = (dbVersion: string): string => `
name: ${name}
services:
  db:
    image: ${nodeImage}
    command: ["node", "-e", "setTimeout(() => require('http').createServer((q, s) => s.end(process.env.VERSION)).listen(5432), 1000)"]
    environment:
      VERSION: "${dbVersion}"
    healthcheck:
      test: ["CMD", "node", "-e", "require('http').get('http://127.0.0.1:5432', () => process.exit(0)).on('error', () => process.exit(1))"]
      interval: 1s
      timeout: 2s
      retries: 60
  web:
    image: ${nodeImage}
    command: ["node", "-e", "setInterval(() => {}, 1000)"]
    depends_on:
      db:
        condition: service_healthy
        restart: true
  bystander:
    image: ${nodeImage}
    command: ["node", "-e", "setInterval(() => {}, 1000)"]
    depends_on:
      db:
        condition: service_healthy
`;

describe("depends_on restart: true on the local cluster", () => {
  const daemon = createTestDaemon();
  const project = projectDir(compose("1"));
  const { core } = kube();
  const step = inOrder();

  /** The uid of the service's one running pod (not being deleted), or undefined while there is not exactly one. */
  const podUid = async (service: string): Promise<string | undefined> => {
    const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: `devloop.dev/service=${service}` })).items.filter(
      (p) => !p.metadata?.deletionTimestamp && p.status?.phase === "Running" && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    return pods.length === 1 ? pods[0]?.metadata?.uid : undefined;
  };
  const uids = async (): Promise<Record<string, string | undefined>> => ({ db: await podUid("db"), web: await podUid("web"), bystander: await podUid("bystander") });
  const settled = (p: PublicProject | undefined): boolean => p?.settled === true && p.services.every((s) => s.phase === "ready");

  beforeAll(async () => {
    await daemon.start();
  });

  afterAll(async () => {
    await daemon.cli(["down", "-p", name, "-n", ns, "--volumes"], project.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    project.remove();
  });

  step("up: every service ready", async () => {
    const up = await daemon.cli(["up", "-d", "-n", ns, "--wait-timeout", "150"], project.dir);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    await waitUntil(async () => Object.values(await uids()).every((u) => u !== undefined), 30_000, "one ready pod per service");
  });

  step("an edit that updates db restarts web (restart: true) once db is healthy again, and leaves bystander alone", async () => {
    const before = await uids();
    project.write(compose("2"));
    let after = before;
    await waitUntil(
      async () => {
        after = await uids();
        return after.db !== undefined && after.db !== before.db && after.web !== undefined && after.web !== before.web;
      },
      150_000,
      "new pods for db and then web",
      1_000,
    );
    await daemon.waitFor(name, settled, 60_000, "the project to settle after the edit");
    const pods = (await core.listNamespacedPod({ namespace: ns })).items.filter((p) => !p.metadata?.deletionTimestamp);
    const started = (service: string): number => new Date(pods.find((p) => p.metadata?.uid === after[service])?.metadata?.creationTimestamp ?? 0).getTime();
    // web's new pod came after db's (Compose restarts the dependent once the dependency meets its condition again).
    expect(started("web")).toBeGreaterThanOrEqual(started("db"));
    expect((await uids()).bystander).toBe(before.bystander);
  }, 300_000);

  step("devloop restart db restarts web too, and leaves bystander alone", async () => {
    const before = await uids();
    const restart = await daemon.cli(["restart", "db", "-p", name], project.dir, 30_000);
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    await waitUntil(
      async () => {
        const now = await uids();
        return now.db !== undefined && now.db !== before.db && now.web !== undefined && now.web !== before.web;
      },
      150_000,
      "new pods for db and then web after devloop restart db",
      1_000,
    );
    await daemon.waitFor(name, settled, 60_000, "the project to settle after the restart");
    expect((await uids()).bystander).toBe(before.bystander);
  }, 300_000);
});
