/**
 * The daemon survives an apiserver restart: the outage is a status (cluster unreachable), the watch relists
 * when it is back, and the loop still applies edits afterwards. Also: `devloop logs` prints the pods' lines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, kube, nodeImage, projectDir, restartApiserver, sleep, suffix } from "./daemon-support.js";

const name = `dlapi${suffix()}`;
const ns = `${name}-it`;
const compose = (greeting: string): string => `
name: ${name}
services:
  talker:
    image: ${nodeImage}
    command: ["node", "-e", "console.log(process.env.GREETING); setInterval(() => {}, 1000)"]
    environment:
      GREETING: ${greeting}
`;

describe("daemon across an apiserver restart", () => {
  const daemon = createTestDaemon();
  let project: ReturnType<typeof projectDir>;
  const { core, apps } = kube();

  beforeAll(async () => {
    project = projectDir(compose("first"));
    await daemon.start();
  });

  afterAll(async () => {
    await daemon.cli(["down", "-p", name, "--volumes"], project.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    project.remove();
  });

  it("reports the outage, recovers, and keeps reconciling", async () => {
    const up = await daemon.cli(["up", "-d", "-n", ns], project.dir);
    expect(up.code).toBe(0);

    const logs = await daemon.cli(["logs", "-p", name, "talker"], project.dir, 30_000);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/talker\s+\| first/);

    const client = await daemon.client();
    const seen: boolean[] = [];
    const controller = new AbortController();
    const events = client.events({ signal: controller.signal, onEvent: (e) => void (e.type === "cluster" && seen.push(e.cluster.reachable)) });

    await restartApiserver();
    // Back within a minute, and the daemon noticed both edges.
    const deadline = Date.now() + 90_000;
    while (!(seen.includes(false) && seen.at(-1) === true) && Date.now() < deadline) await sleep(500);
    controller.abort();
    await events;
    expect(seen).toContain(false);
    expect(seen.at(-1)).toBe(true);
    expect(daemon.process?.exitCode).toBeNull();

    // The loop still works: an edit after the restart is applied.
    project.write(compose("second"));
    let env: string | undefined;
    for (let i = 0; i < 120 && env !== "second"; i++) {
      const d = await apps.readNamespacedDeployment({ name: "talker", namespace: ns }).catch(() => undefined);
      env = d?.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "GREETING")?.value;
      if (env !== "second") await sleep(500);
    }
    expect(env).toBe("second");
    await daemon.waitFor(name, (p) => p?.settled === true, 120_000, "the edit to roll out");
  });
});
