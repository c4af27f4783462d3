/**
 * A sidecar with build: (network_mode: service:web, build: ./proxy) runs in web's pod, so web's workload runs the
 * sidecar's built content-hash tag: web waits for that build, takes the tag into its unit hash, and is re-applied
 * when the sidecar's image changes.
 */
import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createFakeCluster } from "../ports/fakes/fake-cluster.js";
import { createFakeImageBuilder } from "../ports/fakes/fake-image-builder.js";
import { createFakeProjectLoader } from "../ports/fakes/fake-project-loader.js";
import type { LoadedProject } from "../ports/project-loader.js";
import { toManifests } from "../translate/index.js";
import type { KubeManifest } from "../translate/types.js";
import { createApplyController } from "./controllers/apply-controller.js";
import { createBuildController } from "./controllers/build-controller.js";
import { createConfigController } from "./controllers/config-controller.js";
import { createWatchController } from "./controllers/watch-controller.js";
import { createEngine } from "./engine.js";
import { toPublicProject } from "./public-view.js";
import type { ProjectRequest } from "./state.js";

const compose = `name: side
services:
  web:
    image: nginx:1.25
  proxy:
    build: ./proxy
    network_mode: service:web
`;

const translated = (): LoadedProject => {
  const result = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem({ "/p/compose.yml": compose, "/p/proxy/Dockerfile": "FROM busybox\n" }));
  if (!result.ok) throw new Error(`load failed: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  const t = toManifests(result.project, { namespace: "side-dev" });
  const image = containers(t.manifests.find((m) => m.kind === "Deployment" && m.metadata.name === "web")!).find((c) => c.name === "proxy")!.image;
  return {
    name: "side",
    namespace: "side-dev",
    composeFiles: ["/p/compose.yml"],
    services: ["web", "proxy"],
    manifests: t.manifests,
    dependencies: t.dependencies,
    ports: [],
    builds: { proxy: image },
    buildRequests: { proxy: { service: "proxy", image, context: "/p/proxy", dockerfile: "Dockerfile", args: {} } },
    warnings: [],
  };
};

const containers = (m: KubeManifest): { name: string; image: string }[] => (m["spec"] as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec.containers;

const request: ProjectRequest = { name: "side", options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, isolation: true };

const setup = () => {
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const builder = createFakeImageBuilder();
  const project = translated();
  const engine = createEngine({
    clock,
    controllers: [createConfigController({ loader: createFakeProjectLoader({ ok: true, project }) }), createBuildController({ builder, clock }), createApplyController({ cluster, clock }), createWatchController({ cluster, clock })],
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const service = (name: string) => toPublicProject(engine.getState().projects["side"]!).services.find((s) => s.name === name)!;
  const webApplies = () => cluster.applied.flat().filter((m) => m.kind === "Deployment" && m.metadata.name === "web");
  const reload = async (): Promise<void> => {
    engine.dispatch({ type: "composeChanged", project: "side", files: ["/p/compose.yml"] });
    await settle();
  };
  return { cluster, builder, engine, settle, service, webApplies, reload, repo: project.builds["proxy"]!.replace(/:[^:/]*$/, "") };
};

describe("a sidecar with build:", () => {
  it("holds its host's pod until the sidecar's image is built, then the pod runs the built tag", async () => {
    const t = setup();
    t.builder.setContent("proxy", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.builder.running()).toEqual(["proxy"]);
    expect(t.service("web")).toMatchObject({ phase: "building" });
    expect(t.service("web").message).toContain("building image side-proxy");
    expect(t.webApplies()).toEqual([]);

    t.builder.finish("proxy");
    await t.settle();
    const web = t.webApplies().at(-1)!;
    expect(containers(web).map((c) => [c.name, c.image])).toEqual([
      ["web", "nginx:1.25"],
      ["proxy", `${t.repo}:dl-aaa`],
    ]);
    // The workload and its pods carry web's unit hash, which includes the sidecar's tag, so the watch matches them.
    const unit = t.engine.getState().projects["side"]!.units["web"]!;
    expect(web.metadata.annotations?.["devloop.dev/input-hash"]).toBe(unit.desiredHash);
    expect(unit.appliedHash).toBe(unit.desiredHash);
    expect(unit.desiredHash).not.toBe(unit.baseHash);
  });

  it("re-applies the host when the sidecar's image changes, and nothing when it does not", async () => {
    const t = setup();
    t.builder.setContent("proxy", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.builder.finish("proxy");
    await t.settle();
    expect(t.webApplies()).toHaveLength(1);

    await t.reload();
    expect(t.builder.running()).toEqual([]);
    expect(t.webApplies()).toHaveLength(1);

    t.builder.setContent("proxy", "bbb");
    await t.reload();
    expect(t.builder.running()).toEqual(["proxy"]);
    // web keeps running the old tag meanwhile.
    expect(t.webApplies()).toHaveLength(1);
    t.builder.finish("proxy");
    await t.settle();
    expect(t.webApplies()).toHaveLength(2);
    expect(containers(t.webApplies().at(-1)!).find((c) => c.name === "proxy")?.image).toBe(`${t.repo}:dl-bbb`);
  });

  it("a failed sidecar build blocks its host, naming the sidecar", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.builder.fail("proxy", "step 2/3: COPY failed: no such file");
    await t.settle();
    expect(t.service("web")).toMatchObject({ phase: "blocked", message: "blocked: image build of proxy failed: step 2/3: COPY failed: no such file" });
    expect(t.webApplies()).toEqual([]);
  });
});
