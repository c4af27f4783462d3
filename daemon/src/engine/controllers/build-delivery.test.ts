/**
 * Image delivery per project (build controller + DeliveryPlanner port): each load's delivery is decided under the
 * project's own kube context and settings, its builds wait for it and deliver that way, and a later load decides
 * again (a node joined, another context).
 */
import { describe, expect, it } from "vitest";
import type { KubeManifest } from "../../translate/types.js";
import type { LoadedProject, ProjectLoader } from "../../ports/project-loader.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeDeliveryPlanner } from "../../ports/fakes/fake-delivery-planner.js";
import { createFakeImageBuilder } from "../../ports/fakes/fake-image-builder.js";
import { createEngine } from "../engine.js";
import { toPublicProject } from "../public-view.js";
import type { ProjectRequest } from "../state.js";
import { createApplyController } from "./apply-controller.js";
import { createBuildController } from "./build-controller.js";
import { createConfigController } from "./config-controller.js";
import { ok, shopProject } from "./test-project.js";

const requestOf = (name: string, context: string, environment: Record<string, string> = {}): ProjectRequest => ({
  name,
  context,
  kubeconfig: "/home/dev/.kube/config",
  options: { files: [], profiles: [], envFiles: [], services: [], environment, cwd: `/p/${name}`, projectName: name },
  isolation: true,
});

const withApiBuild = (name: string, namespace: string, delivery?: LoadedProject["delivery"]): LoadedProject => ({
  ...shopProject({ namespace, services: ["api"] }),
  name,
  builds: { api: "api:dev" },
  buildRequests: { api: { service: "api", image: "api:dev", context: `/p/${name}/api`, dockerfile: "Dockerfile", args: {} } },
  ...(delivery === undefined ? {} : { delivery }),
});

const images = (m: KubeManifest): string[] => ((m["spec"] as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers).map((c) => c.image);

const setup = (daemonEnv: Record<string, string> = {}) => {
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const builder = createFakeImageBuilder();
  const planner = createFakeDeliveryPlanner();
  const projects = new Map<string, LoadedProject>();
  const loader: ProjectLoader = { load: (request) => Promise.resolve(ok(projects.get(request.options.projectName ?? "") ?? withApiBuild("?", "x"))) };
  const engine = createEngine({
    clock,
    controllers: [createConfigController({ loader }), createBuildController({ builder, clock, planner, daemonEnv }), createApplyController({ cluster, clock })],
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const view = (name: string) => toPublicProject(engine.getState().projects[name]!);
  const applied = (namespace: string) => cluster.applied.flat().filter((m) => m.kind === "Deployment" && m.metadata.namespace === namespace).map((m) => images(m)[0]);
  return { cluster, builder, planner, projects, engine, settle, view, applied };
};

describe("image delivery per project", () => {
  it("one daemon: a project on a local context runs the engine's tag, one on a team context pushes to its registry", async () => {
    const t = setup();
    t.planner.setCluster("devloop-local", "docker");
    t.planner.setCluster("team-a", "remote");
    t.projects.set("shop", withApiBuild("shop", "shop-dev"));
    t.projects.set("team", withApiBuild("team", "team-dev", { registry: "registry.example.com/team" }));
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request: requestOf("shop", "devloop-local") });
    t.engine.dispatch({ type: "projectRequested", request: requestOf("team", "team-a") });
    await t.settle();
    t.builder.finish("api");
    t.builder.finish("api");
    await t.settle();

    expect(t.planner.calls.map((c) => [c.target.context, c.settings.registry])).toEqual([["devloop-local", undefined], ["team-a", "registry.example.com/team"]]);
    expect(t.applied("shop-dev")).toEqual(["api:dl-aaa"]);
    expect(t.applied("team-dev")).toEqual(["registry.example.com/team/api:dl-aaa"]);
    expect(t.view("shop").delivery).toMatchObject({ strategy: "docker", artifacts: "docker" });
    expect(t.view("team").delivery).toEqual({
      strategy: "registry",
      registry: "registry.example.com/team",
      reason: "a registry is configured (x-devloop.registry)",
      artifacts: "exec",
      note: "nodes unknown: this identity may not list nodes",
    });
  });

  it("a load's builds wait for its delivery; the next load decides again (a node joined: now the registry)", async () => {
    const t = setup({ DEVLOOP_REGISTRY: "127.0.0.1:5000" });
    t.planner.setCluster("team-a", "docker");
    t.projects.set("team", withApiBuild("team", "team-dev"));
    t.builder.setContent("api", "aaa");
    t.planner.hold();
    t.engine.dispatch({ type: "projectRequested", request: requestOf("team", "team-a") });
    await t.settle();
    expect(t.builder.running()).toEqual([]);
    expect(t.view("team").services[0]?.phase).toBe("building");
    t.planner.release();
    await t.settle();
    t.builder.finish("api");
    await t.settle();
    expect(t.applied("team-dev")).toEqual(["api:dl-aaa"]);
    expect(t.view("team").delivery?.strategy).toBe("docker");

    // The cluster changes (its nodes no longer all run on this engine): the next load pushes, same content, and rolls out.
    t.planner.setCluster("team-a", "remote");
    t.engine.dispatch({ type: "composeChanged", project: "team", files: ["/p/team/compose.yml"] });
    await t.settle();
    expect(t.planner.calls).toHaveLength(2);
    expect(t.builder.running()).toEqual([]);
    expect(t.applied("team-dev")).toEqual(["api:dl-aaa", "127.0.0.1:5000/api:dl-aaa"]);
    expect(t.view("team").delivery).toMatchObject({ strategy: "registry", registry: "127.0.0.1:5000", reason: "a registry is configured (DEVLOOP_REGISTRY)" });
  });

  it("the caller's environment comes before the daemon's and the compose file's", async () => {
    const t = setup({ DEVLOOP_IMAGE_DELIVERY: "engine" });
    t.planner.setCluster("team-a", "remote");
    t.projects.set("team", withApiBuild("team", "team-dev", { imageDelivery: "engine", registry: "compose.example.com" }));
    t.engine.dispatch({ type: "projectRequested", request: requestOf("team", "team-a", { DEVLOOP_IMAGE_DELIVERY: "registry", DEVLOOP_REGISTRY: "shell.example.com:5000" }) });
    await t.settle();
    expect(t.planner.calls[0]?.settings).toEqual({ explicit: "registry", explicitFrom: "DEVLOOP_IMAGE_DELIVERY", registry: "shell.example.com:5000", registryFrom: "DEVLOOP_REGISTRY" });
    t.builder.finish("api");
    await t.settle();
    expect(t.applied("team-dev")).toEqual(["shell.example.com:5000/api:dl-0"]);
    expect(t.view("team").delivery?.reason).toBe("chosen by DEVLOOP_IMAGE_DELIVERY");
  });

  it("up --image-delivery / --registry come before every environment", async () => {
    const t = setup({ DEVLOOP_REGISTRY: "daemon.example.com" });
    t.planner.setCluster("team-a", "docker");
    t.projects.set("team", withApiBuild("team", "team-dev", { imageDelivery: "engine" }));
    t.engine.dispatch({ type: "projectRequested", request: { ...requestOf("team", "team-a", { DEVLOOP_IMAGE_DELIVERY: "engine" }), delivery: { imageDelivery: "registry", registry: "flag.example.com:5000" } } });
    await t.settle();
    expect(t.planner.calls[0]?.settings).toEqual({ explicit: "registry", explicitFrom: "--image-delivery", registry: "flag.example.com:5000", registryFrom: "--registry" });
    t.builder.finish("api");
    await t.settle();
    expect(t.applied("team-dev")).toEqual(["flag.example.com:5000/api:dl-0"]);
  });

  it("no way to deliver fails the builds at once with what to set, and status shows it", async () => {
    const t = setup();
    t.planner.setCluster("team-a", "remote");
    t.projects.set("team", withApiBuild("team", "team-dev", { imageDelivery: "registry" }));
    t.engine.dispatch({ type: "projectRequested", request: requestOf("team", "team-a") });
    await t.settle();
    expect(t.builder.calls).toHaveLength(0);
    const api = t.view("team").services[0];
    expect(api?.build?.status).toBe("failed");
    expect(api?.build?.error).toBe('image delivery "registry" (x-devloop.image_delivery) needs a registry: set DEVLOOP_REGISTRY or x-devloop.registry (e.g. localhost:5000)');
    expect(t.view("team").delivery?.error).toBe(api?.build?.error);
    expect(t.applied("team-dev")).toEqual([]);
  });
});
