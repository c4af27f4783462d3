/**
 * Issue 12, items 3 and 4 on the real bed: a teammate's namespace-scoped identity, minted by
 * scripts/mint-dev-identity (a ServiceAccount bound to `edit` in its own namespace, nothing at cluster scope), whose
 * kubeconfig context has a non-local name. The daemon is started with the bed's admin kubeconfig; the CLI calls
 * carry the minted one, so every step also proves that a call is served under its caller's kubeconfig and context.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateFiles } from "../../src/api/state-dir.js";
import { createTestDaemon, freePort, kube, nodeImage, repoRoot, suffix } from "./daemon-support.js";
import { fetchUntil } from "./helpers/real-world.js";
import { endTeamTest, messageServer, mintTeammate, writeWebProject } from "./helpers/team-project.js";

const id = suffix();
const namespace = `dlteam${id}`;
const forbidden = `dlteamx${id}`;
const context = `team-${id}`;
const project = `team${id}`;

describe("a namespace-scoped identity under a non-local context", () => {
  const daemon = createTestDaemon();
  const { core, apps } = kube();
  const dir = mkdtempSync(join(tmpdir(), "devloop-it-team-"));
  const kubeconfig = join(dir, "teammate.kubeconfig");
  let port = 0;

  const waitAnswer = async (expected: string, timeoutMs: number): Promise<void> => {
    await fetchUntil(`http://127.0.0.1:${port}/`, (body) => body === expected, timeoutMs, `the answer "${expected}"`);
  };

  beforeAll(async () => {
    port = await freePort();
    writeWebProject(dir, { name: project, nodeImage, port, watch: true }, { "server.js": messageServer("team"), "message.txt": "hello 1" });
    // As the bed's admin: the teammate's namespace, identity and kubeconfig; and a namespace it has no rights in.
    mintTeammate(repoRoot, namespace, context, kubeconfig);
    await core.createNamespace({ body: { metadata: { name: forbidden } } });
    await daemon.start();
    // From here on the CLI runs as the teammate; the daemon keeps the admin kubeconfig it was started with.
    daemon.env["KUBECONFIG"] = kubeconfig;
    delete daemon.env["DEVLOOP_ALLOWED_CONTEXTS"];
  }, 120_000);

  afterAll(() => endTeamTest({ daemon, deleteNamespace: (name) => core.deleteNamespace({ name }), namespaces: [namespace, forbidden], dir }));

  it("refuses the non-local context at once, naming it and the three ways to allow it", async () => {
    const started = Date.now();
    const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "40"], dir, 50_000);
    expect(up.code, up.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(up.stderr).toContain(`kube context "${context}"`);
    expect(up.stderr).toContain(`DEVLOOP_ALLOWED_CONTEXTS=${context}`);
    expect(up.stderr).toContain(`x-devloop: { allowed_contexts: [${context}] }`);
    expect(up.stderr).toContain(`--allow-context ${context}`);
    expect((await apps.listNamespacedDeployment({ namespace })).items).toHaveLength(0);
  }, 60_000);

  it("once allowed: up of a built service, an edit synced into it, logs, the port-forward, ns list, status, down", async () => {
    const up = await daemon.cli(["up", "-n", namespace, "--allow-context", context, "--detach", "--wait-timeout", "300"], dir, 360_000);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect((await daemon.project(project))?.context).toBe(context);
    // The workload is in the teammate's namespace; the Namespace object was left alone (edit may not patch it).
    expect((await apps.readNamespacedDeployment({ name: "web", namespace })).metadata?.name).toBe("web");
    expect((await core.readNamespace({ name: namespace })).metadata?.labels?.["app.kubernetes.io/managed-by"]).toBeUndefined();
    // What the identity may not create is left out and said, not retried: edit has no LimitRange/ResourceQuota writes.
    const log = readFileSync(stateFiles(daemon.stateDir).log, "utf8");
    expect(log).toContain(`context ${context}: namespace ${namespace} exists: this identity may not patch it`);
    expect(log).toContain(`LimitRange devloop-defaults in namespace ${namespace} left out`);
    expect((await core.listNamespacedLimitRange({ namespace })).items).toHaveLength(0);
    expect((await core.listNamespacedService({ namespace })).items.map((s) => s.metadata?.name)).toContain("web");

    await waitAnswer("hello 1", 60_000);
    writeFileSync(join(dir, "app", "message.txt"), "hello 2");
    await waitAnswer("hello 2", 30_000);

    const logs = await daemon.cli(["logs", "web"], dir, 60_000);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("team server listening on 8080");

    const status = await daemon.cli(["status"], dir, 30_000);
    expect(status.stdout).toContain(`${project}: kube context ${context}, namespace ${namespace}`);
    const ns = await daemon.cli(["ns", "list"], dir, 30_000);
    expect(ns.code, ns.stderr).toBe(0);
    expect(ns.stdout).toMatch(new RegExp(`${namespace}\\s+${project}\\s+\\*\\s+usable`));

    // Moving the loop to a namespace the identity may not use is refused at once; the project stays where it is.
    const use = await daemon.cli(["ns", "use", forbidden], dir, 30_000);
    expect(use.code, use.stderr).toBe(1);
    expect(use.stderr).toContain(`may not patch deployments.apps`);
    expect((await daemon.project(project))?.namespace).toBe(namespace);

    const down = await daemon.cli(["down"], dir, 200_000);
    expect(down.code, `${down.stdout}\n${down.stderr}`).toBe(0);
    expect((await apps.listNamespacedDeployment({ namespace, labelSelector: `devloop.dev/project=${project}` })).items).toHaveLength(0);
    expect((await core.readNamespace({ name: namespace })).status?.phase).toBe("Active");
  }, 480_000);

  it("a namespace the identity may not use is refused at once, naming it, the missing rights and the fix", async () => {
    daemon.env["DEVLOOP_ALLOWED_CONTEXTS"] = `other,${context}`;
    try {
      const started = Date.now();
      const up = await daemon.cli(["up", "-n", forbidden, "--detach", "--wait-timeout", "100"], dir, 110_000);
      expect(up.code, up.stderr).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(up.stderr).toContain(`kube context "${context}"`);
      expect(up.stderr).toContain(`may not patch deployments.apps`);
      expect(up.stderr).toContain(`in namespace ${forbidden}`);
      expect(up.stderr).toContain("edit ClusterRole");
      expect((await apps.listNamespacedDeployment({ namespace: forbidden })).items).toHaveLength(0);
    } finally {
      delete daemon.env["DEVLOOP_ALLOWED_CONTEXTS"];
    }
  }, 120_000);
});
