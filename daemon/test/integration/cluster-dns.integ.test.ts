// Cluster DNS (dnsmasq + scripts/cluster-dns-watcher.ts): pods resolve <svc>, <svc>.<ns> and the full name, a new
// Service resolves within seconds, a deleted one stops resolving, and a pod reaches another Service (and its own).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Service } from "@kubernetes/client-node";
import {
  buildEchoServerImage,
  createTestNamespace,
  deleteTestNamespace,
  echoPod,
  execInPod,
  loadBedKubeConfig,
  sleep,
  waitForPodReady,
} from "./helpers/index.js";

function service(name: string, app: string): V1Service {
  return {
    metadata: { name },
    spec: { selector: { app }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  };
}

describe("cluster: DNS and Services", () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns: string;

  const getent = (name: string) =>
    execInPod(kc, { namespace: ns, pod: "client", container: "echo", command: ["getent", "hosts", name] });
  // The client pod fetches a URL from inside the cluster and reports status + body.
  const fetchFromClient = async (url: string) => {
    const r = await execInPod(kc, {
      namespace: ns,
      pod: "client",
      container: "echo",
      command: ["node", "-e", `fetch(${JSON.stringify(url)}).then(async r => console.log(r.status, await r.text()), e => { console.log("ERR", String(e.cause ?? e)); process.exit(1) })`],
    });
    return r.stdout.trim();
  };

  // kube-proxy programs a new Service's ClusterIP on its own schedule (seconds under load), and DNS may answer first:
  // a fresh Service is reachable within seconds, not at once. Retry until it answers or 15 s pass.
  const fetchUntilAnswered = async (url: string): Promise<string> => {
    const started = Date.now();
    let out = await fetchFromClient(url);
    while (!out.startsWith("200 ") && Date.now() - started < 15_000) {
      await sleep(250);
      out = await fetchFromClient(url);
    }
    return out;
  };

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createTestNamespace(kc, "it-dns");
    const image = await buildEchoServerImage();
    await core.createNamespacedPod({ namespace: ns, body: echoPod({ name: "backend", image, env: { GREETING: "from-backend" } }) });
    await core.createNamespacedPod({ namespace: ns, body: echoPod({ name: "client", image }) });
    await core.createNamespacedService({ namespace: ns, body: service("backend", "backend") });
    // Not named "client": the kubelet's /etc/hosts maps the pod's own hostname to its pod IP.
    await core.createNamespacedService({ namespace: ns, body: service("self", "client") });
    await waitForPodReady(kc, { namespace: ns, name: "backend" });
    await waitForPodReady(kc, { namespace: ns, name: "client" });
  });
  afterAll(async () => {
    await deleteTestNamespace(kc, ns);
  });

  it("resolves <svc>, <svc>.<ns> and <svc>.<ns>.svc.cluster.local to the ClusterIP", async () => {
    const svc = await core.readNamespacedService({ namespace: ns, name: "backend" });
    const ip = svc.spec?.clusterIP;
    expect(ip).toMatch(/^10\.0\.0\.\d+$/);
    for (const name of ["backend", `backend.${ns}`, `backend.${ns}.svc.cluster.local`]) {
      const r = await getent(name);
      expect(r.exitCode, `getent hosts ${name}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout.split(/\s+/)[0]).toBe(ip);
    }
    const api = await getent("kubernetes.default");
    expect(api.stdout.split(/\s+/)[0]).toBe("10.0.0.1");
  });

  it("lets a pod reach another Service by its short name", async () => {
    const out = await fetchUntilAnswered("http://backend/hello");
    expect(out).toMatch(/^200 /);
    expect(JSON.parse(out.slice(4))).toMatchObject({ host: "backend", path: "/hello", greeting: "from-backend" });
  });

  it("lets a pod reach its own Service (hairpin)", async () => {
    const out = await fetchUntilAnswered("http://self/self");
    expect(out).toMatch(/^200 /);
    expect(JSON.parse(out.slice(4))).toMatchObject({ host: "client", path: "/self" });
  });

  it("resolves a new Service within seconds and forgets a deleted one", async () => {
    const before = await getent("late");
    expect(before.exitCode).not.toBe(0);
    const created = Date.now();
    await core.createNamespacedService({ namespace: ns, body: service("late", "backend") });
    let resolvedAfter: number | undefined;
    while (Date.now() - created < 10_000) {
      if ((await getent("late")).exitCode === 0) {
        resolvedAfter = Date.now() - created;
        break;
      }
      await sleep(100);
    }
    expect(resolvedAfter, "new Service did not resolve within 10 s").toBeDefined();
    expect(resolvedAfter).toBeLessThan(5_000);
    console.info(`new Service resolved after ${resolvedAfter} ms`);
    // DNS can answer before kube-proxy has programmed the new ClusterIP (as with CoreDNS): poll for traffic.
    let reply = "";
    while (Date.now() - created < 15_000) {
      reply = await fetchFromClient("http://late/x");
      if (reply.startsWith("200 ")) break;
      await sleep(200);
    }
    expect(reply).toMatch(/^200 /);
    console.info(`new Service answered HTTP after ${Date.now() - created} ms`);

    await core.deleteNamespacedService({ namespace: ns, name: "late" });
    const deleted = Date.now();
    let goneAfter: number | undefined;
    while (Date.now() - deleted < 10_000) {
      if ((await getent("late")).exitCode !== 0) {
        goneAfter = Date.now() - deleted;
        break;
      }
      await sleep(100);
    }
    expect(goneAfter, "deleted Service still resolves after 10 s").toBeDefined();
    console.info(`deleted Service stopped resolving after ${goneAfter} ms`);
  });
});
