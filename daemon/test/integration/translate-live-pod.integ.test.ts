// A pod as translate renders a live-synced service runs on the real cluster: the devloop-seed init container copies
// the image's content into the seeded emptyDirs (admitted under devloop's LimitRange), the app's user can write
// there, and a process restart under the supervisor keeps what was synced, without restarting the container.
import { CoreV1Api, KubernetesObjectApi } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolationManifests } from "../../src/policy/isolation.js";
import { restartProcessCommand } from "../../src/supervisor/supervisor.js";
import { toManifests } from "../../src/translate/index.js";
import { project, service } from "../../src/compose/test-project.js";
import type { TranslateResult } from "../../src/translate/types.js";
import { bedImages, createTestNamespace, deleteTestNamespace, execInPod, loadBedKubeConfig, waitForPodReady } from "./helpers/index.js";

const rule = (action: "sync" | "sync+restart", path: string, target: string) => ({ action, path, target, ignore: [], include: [], initialSync: false });

describe("cluster: a translated live pod (seeded emptyDirs, supervisor)", () => {
  let kc: KubeConfig;
  let ns: string;
  let result: TranslateResult;
  let pod: V1Pod;
  const sh = (script: string) => execInPod(kc, { namespace: ns, pod: "live", container: "app", command: ["sh", "-c", script] });

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    ns = await createTestNamespace(kc, "it-live");
    const objects = KubernetesObjectApi.makeApiClient(kc);
    for (const m of isolationManifests(ns)) await objects.create(m);
    const app = service("app", {
      image: bedImages().runtime,
      user: "1000",
      entrypoint: ["sh", "-c", "echo started >> /tmp/starts; exec sleep 3600"],
      develop: {
        watch: [
          rule("sync+restart", "/src/shop/apt", "/etc/apt"),
          rule("sync", "/src/shop/motd", "/usr/share/base-files/motd"),
          rule("sync", "/src/shop/conf", "/etc/apt/apt.conf.d"),
        ],
      },
    });
    result = toManifests(project([app]), { namespace: ns, watchFiles: ["/src/shop/motd"], includeNamespace: false });
    const deployment = result.manifests.find((m) => m.kind === "Deployment") as unknown as { spec: { template: { spec: V1Pod["spec"] } } };
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: { metadata: { name: "live" }, spec: deployment.spec.template.spec } });
    pod = await waitForPodReady(kc, { namespace: ns, name: "live", timeoutMs: 90_000 });
  }, 120_000);
  afterAll(async () => {
    await deleteTestNamespace(kc, ns);
  });

  it("renders two seeded directories and a supervised process", () => {
    expect(result.live["app"]).toMatchObject({ restart: "process", seededDirs: ["/etc/apt", "/usr/share/base-files"] });
    expect(pod.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.exitCode])).toEqual([["devloop-seed", 0]]);
  });

  it("seeds the image's content, owned by the app's user, into emptyDirs the app can write", async () => {
    const r = await sh(
      "id -u; grep -c -E ' (/etc/apt|/usr/share/base-files) ' /proc/mounts; test -f /etc/apt/sources.list && test -d /etc/apt/apt.conf.d && test -f /usr/share/base-files/dot.profile && echo seeded; " +
        "stat -c %u /etc/apt/sources.list; echo new > /usr/share/base-files/motd && echo synced > /etc/apt/sources.list && cat /etc/apt/sources.list",
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n")).toEqual(["1000", "2", "seeded", "1000", "synced", ""]);
  });

  it("restarts the process in place; what was synced stays", async () => {
    const restart = await execInPod(kc, { namespace: ns, pod: "live", container: "app", command: restartProcessCommand() });
    expect(restart.exitCode, restart.stderr).toBe(0);
    const r = await sh("cat /tmp/starts | wc -l; cat /etc/apt/sources.list");
    expect(r.stdout.split("\n")).toEqual(["2", "synced", ""]);
    const after = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: ns, name: "live" });
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });
});
