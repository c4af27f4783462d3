/**
 * The daemon and CLI on the real local cluster: up until ready with depends_on ordering (a healthy-gated
 * dependency and a Job-gated migration), a port-forward that answers, an env_file edit that reloads, prune after a
 * service is removed,
 * kill -9 and restart with nothing duplicated, a namespace switch, down.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicProject } from "../../src/api/types.js";
import { createTestDaemon, freePort, kube, nodeImage, projectDir, sleep, suffix } from "./daemon-support.js";

const name = `dlit${suffix()}`;
const ns1 = `${name}-one`;
const ns2 = `${name}-two`;

const compose = (port: number, withExtra: boolean): string => `
name: ${name}
services:
  db:
    image: ${nodeImage}
    command: ["node", "-e", "setTimeout(() => require('http').createServer((q, s) => s.end('db')).listen(5432), 2000)"]
    healthcheck:
      test: ["CMD", "node", "-e", "require('http').get('http://127.0.0.1:5432', () => process.exit(0)).on('error', () => process.exit(1))"]
      interval: 1s
      timeout: 2s
      retries: 60
  migrate:
    image: ${nodeImage}
    command: ["node", "-e", "setTimeout(() => process.exit(0), 2000)"]
    restart: "no"
    depends_on:
      db:
        condition: service_healthy
  web:
    image: ${nodeImage}
    command: ["node", "-e", "require('http').createServer((q, s) => s.end(process.env.GREETING + ' from web')).listen(3000)"]
    env_file: ./web.env
    ports:
      - "${port}:3000"
    depends_on:
      db:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
${withExtra ? `  extra:
    image: ${nodeImage}
    command: ["node", "-e", "setInterval(() => {}, 1000)"]
` : ""}`;

const settled = (p: PublicProject | undefined): boolean => p?.settled === true;

describe("daemon on the local cluster", () => {
  const daemon = createTestDaemon();
  let port = 0;
  let project: ReturnType<typeof projectDir>;
  const { core, apps, batch } = kube();

  beforeAll(async () => {
    port = await freePort();
    project = projectDir(compose(port, true));
    writeFileSync(join(project.dir, "web.env"), "GREETING=hello\n");
    await daemon.start();
  });

  afterAll(async () => {
    await daemon.cli(["down", "-p", name, "-n", ns2, "--volumes"], project.dir, 120_000).catch(() => undefined);
    await daemon.cli(["down", "-p", name, "-n", ns1, "--volumes"], project.dir, 120_000).catch(() => undefined);
    await daemon.stop();
    for (const ns of [ns1, ns2]) await core.deleteNamespace({ name: ns }).catch(() => undefined);
    project.remove();
  });

  it("up --detach exits 0 once every service is ready, applying in depends_on order", async () => {
    const started = Date.now();
    const result = await daemon.cli(["up", "-d", "-n", ns1, "--wait-timeout", "150"], project.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${name}: all services ready`);
    expect(result.stdout).toMatch(/web\s+waiting\s+waiting for db \(healthy\), migrate \(completed\)/);
    process.stdout.write(`[measure] up --detach until ready: ${Date.now() - started} ms\n`);

    // Ordering, from the cluster's own timestamps: migrate's Job exists only after db's pod was ready,
    // web's Deployment only after the Job completed.
    const dbPod = (await core.listNamespacedPod({ namespace: ns1, labelSelector: `devloop.dev/service=db` })).items[0];
    const dbReadyAt = dbPod?.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime;
    const job = await batch.readNamespacedJob({ name: "migrate", namespace: ns1 });
    const web = await apps.readNamespacedDeployment({ name: "web", namespace: ns1 });
    expect(dbReadyAt).toBeDefined();
    expect(job.metadata?.creationTimestamp?.getTime()).toBeGreaterThanOrEqual(new Date(dbReadyAt ?? 0).getTime());
    expect(job.status?.completionTime).toBeDefined();
    expect(web.metadata?.creationTimestamp?.getTime()).toBeGreaterThanOrEqual(new Date(job.status?.completionTime ?? 0).getTime());
    expect(web.metadata?.managedFields?.some((f) => f.manager === "devloop" && f.operation === "Apply")).toBe(true);

    // Isolation defaults.
    const policies = await core.listNamespacedLimitRange({ namespace: ns1 });
    expect(policies.items.map((p) => p.metadata?.name)).toContain("devloop-defaults");
  });

  it("forwards the published port to the service", async () => {
    const p = await daemon.waitFor(name, (x) => x?.services.find((s) => s.name === "web")?.ports[0]?.status === "active", 30_000, "the port-forward");
    expect(p?.services.find((s) => s.name === "web")?.ports[0]).toMatchObject({ local: port, remote: 3000, status: "active" });
    let body = "";
    for (let i = 0; i < 20 && body === ""; i++) {
      body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()).catch(() => "");
      if (body === "") await sleep(500);
    }
    expect(body).toBe("hello from web");
  });

  it("an edit to an env_file (not the compose file) reloads and rolls the new value out", async () => {
    writeFileSync(join(project.dir, "web.env"), "GREETING=bonjour\n");
    let body = "";
    for (let i = 0; i < 120 && body !== "bonjour from web"; i++) {
      body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()).catch(() => "");
      if (body !== "bonjour from web") await sleep(500);
    }
    expect(body).toBe("bonjour from web");
    await daemon.waitFor(name, settled, 60_000, "the reload to settle");
  });

  it("prunes a service removed from the compose file", async () => {
    expect((await apps.readNamespacedDeployment({ name: "extra", namespace: ns1 })).metadata?.name).toBe("extra");
    project.write(compose(port, false));
    await daemon.waitFor(name, (p) => p !== undefined && !p.services.some((s) => s.name === "extra"), 30_000, "extra to leave the project");
    let gone = false;
    for (let i = 0; i < 60 && !gone; i++) {
      gone = await apps.readNamespacedDeployment({ name: "extra", namespace: ns1 }).then(() => false, () => true);
      if (!gone) await sleep(500);
    }
    expect(gone).toBe(true);
    // Its pods go too (background propagation: ReplicaSet, then pods). Its process (node as PID 1, no SIGTERM handler)
    // ignores SIGTERM, so the kubelet waits out the grace period; under a loaded CI run that took over 60 s once.
    let pods = 1;
    for (let i = 0; i < 180 && pods > 0; i++) {
      pods = (await core.listNamespacedPod({ namespace: ns1, labelSelector: "devloop.dev/service=extra" })).items.length;
      if (pods > 0) await sleep(500);
    }
    expect(pods).toBe(0);
    // The rest is untouched.
    expect((await apps.readNamespacedDeployment({ name: "web", namespace: ns1 })).status?.readyReplicas).toBe(1);
  });

  it("resumes after kill -9 without re-applying or duplicating anything", async () => {
    const before = {
      deployments: (await apps.listNamespacedDeployment({ namespace: ns1 })).items.map((d) => `${d.metadata?.name}:${d.metadata?.uid}:${d.metadata?.generation}`).sort(),
      job: (await batch.readNamespacedJob({ name: "migrate", namespace: ns1 })).metadata?.uid,
      pods: (await core.listNamespacedPod({ namespace: ns1 })).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.uid).sort(),
    };
    await daemon.kill9();
    await daemon.start();
    await daemon.waitFor(name, settled, 60_000, "the restarted daemon to settle");
    const after = {
      deployments: (await apps.listNamespacedDeployment({ namespace: ns1 })).items.map((d) => `${d.metadata?.name}:${d.metadata?.uid}:${d.metadata?.generation}`).sort(),
      job: (await batch.readNamespacedJob({ name: "migrate", namespace: ns1 })).metadata?.uid,
      pods: (await core.listNamespacedPod({ namespace: ns1 })).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.uid).sort(),
    };
    expect(after).toEqual(before);
    // The port-forward is back too.
    await daemon.waitFor(name, (x) => x?.services.find((s) => s.name === "web")?.ports[0]?.status === "active", 30_000, "the port-forward after restart");
    expect(await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).toBe("bonjour from web");
    // An identical apply would leave uid and generation as they were: the daemon's own event log, from its start
    // until now (restored, settled, forwarding), is what shows that nothing was applied.
    const events = await daemon.eventsSince(0);
    expect(events.some((e) => e.type === "project" && e.project.name === name), "the restarted daemon's events name the project").toBe(true);
    expect(await daemon.appliedSince(name, 0)).toEqual([]);
  });

  it("switches namespace, leaving the old one intact until down -n OLD", async () => {
    const use = await daemon.cli(["ns", "use", ns2, "-p", name], project.dir);
    expect(use.code).toBe(0);
    await daemon.waitFor(name, (p) => p?.namespace === ns2 && p.settled, 150_000, `the project to settle in ${ns2}`);
    const current = await daemon.cli(["ns", "current", "-p", name], project.dir);
    expect(current.stdout.trim()).toBe(ns2);
    expect((await apps.readNamespacedDeployment({ name: "web", namespace: ns1 })).metadata?.name).toBe("web");
    const list = await daemon.cli(["ns", "list"], project.dir);
    expect(list.stdout).toContain(ns1);
    expect(list.stdout).toMatch(new RegExp(`${ns2}\\s+${name}\\s+\\*`));

    const down = await daemon.cli(["down", "-p", name, "-n", ns1], project.dir);
    expect(down.code).toBe(0);
    const left = await apps.listNamespacedDeployment({ namespace: ns1 });
    expect(left.items.filter((d) => !d.metadata?.deletionTimestamp)).toEqual([]);
    expect((await apps.readNamespacedDeployment({ name: "web", namespace: ns2 })).status?.readyReplicas).toBe(1);
  });

  it("status shows the services; down removes the project", async () => {
    const status = await daemon.cli(["status"], project.dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/web\s+Deployment\s+ready/);
    expect(status.stdout).toMatch(/migrate\s+Job\s+completed/);
    const down = await daemon.cli(["down", "-p", name], project.dir);
    expect(down.code).toBe(0);
    expect(await daemon.project(name)).toBeUndefined();
    const left = await apps.listNamespacedDeployment({ namespace: ns2 });
    expect(left.items.filter((d) => !d.metadata?.deletionTimestamp)).toEqual([]);
  });
});
