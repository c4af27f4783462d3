import { describe, expect, it } from "vitest";
import type { KubeManifest } from "../../translate/types.js";
import type { ImageBuildRequest } from "../../ports/image-builder.js";
import type { LoadedProject } from "../../ports/project-loader.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeImageBuilder } from "../../ports/fakes/fake-image-builder.js";
import { createFakeProjectLoader } from "../../ports/fakes/fake-project-loader.js";
import type { Action } from "../actions.js";
import { createEngine } from "../engine.js";
import { toPublicProject } from "../public-view.js";
import type { ProjectRequest } from "../state.js";
import { createApplyController } from "./apply-controller.js";
import { buildProgressMs, createBuildController } from "./build-controller.js";
import { createClusterHealthController } from "./cluster-health-controller.js";
import { createConfigController } from "./config-controller.js";
import { createWatchController } from "./watch-controller.js";
import { ok, shopProject } from "./test-project.js";

const request: ProjectRequest = {
  name: "shop",
  options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" },
  isolation: true,
};

const buildOf = (service: string): ImageBuildRequest => ({ service, image: `${service}:dev`, context: `/p/${service}`, dockerfile: "Dockerfile", args: {} });

/** The shop project with build: on the given services (their manifests expect "<service>:dev"). */
const withBuilds = (services: readonly string[], base: LoadedProject = shopProject()): LoadedProject => ({
  ...base,
  builds: Object.fromEntries(services.map((s) => [s, `${s}:dev`])),
  buildRequests: Object.fromEntries(services.map((s) => [s, buildOf(s)])),
});

const images = (m: KubeManifest): string[] =>
  ((m["spec"] as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers).map((c) => c.image);

const setup = (project: LoadedProject) => {
  const cluster = createFakeCluster();
  const clock = createFakeClock();
  const builder = createFakeImageBuilder();
  const loader = createFakeProjectLoader(ok(project));
  const actions: Action[] = [];
  const engine = createEngine({
    clock,
    controllers: [
      createConfigController({ loader }),
      createBuildController({ builder, clock }),
      createApplyController({ cluster, clock }),
      createWatchController({ cluster, clock }),
      createClusterHealthController({ cluster, clock }),
    ],
    onBatch: (_state, batch) => void actions.push(...batch),
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const view = () => toPublicProject(engine.getState().projects["shop"]!);
  const phases = () => Object.fromEntries(view().services.map((s) => [s.name, s.phase]));
  const messages = () => Object.fromEntries(view().services.map((s) => [s.name, s.message]));
  const lastApplied = (service: string) => cluster.applied.flat().filter((m) => m.kind === "Deployment" && m.metadata.name === service).at(-1);
  const reload = async (next?: LoadedProject): Promise<void> => {
    if (next) loader.set(ok(next));
    engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await settle();
  };
  return { cluster, clock, builder, loader, engine, actions, settle, view, phases, messages, lastApplied, reload };
};

describe("build controller", () => {
  it("up --no-build (LoadOptions.noBuild) builds nothing: it runs the image that exists, and fails the service that has none", async () => {
    const noBuild: ProjectRequest = { ...request, options: { ...request.options, noBuild: true } };
    const t = setup(withBuilds(["api"]));
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request: noBuild });
    await t.settle();
    expect(t.builder.options).toEqual([{ noBuild: true }]);
    expect(t.builder.running()).toEqual([]);
    expect(t.view().services.find((s) => s.name === "api")?.build).toMatchObject({ status: "failed" });
    expect(t.view().services.find((s) => s.name === "api")?.build?.error).toContain("api: up --no-build, and no image of it exists");
    expect(t.cluster.appliedServices()).not.toContain("api");

    // The service's last build (its name's tag) exists: that is what runs.
    t.builder.images.add("api:dev");
    await t.reload();
    expect(t.builder.running()).toEqual([]);
    expect(images(t.lastApplied("api")!)).toEqual(["api:dev"]);
  });

  it("builds before apply: the service shows building, then runs the built content-hash tag", async () => {
    const t = setup(withBuilds(["api"]));
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.builder.running()).toEqual(["api"]);
    expect(t.phases()["api"]).toBe("building");
    expect(t.messages()["api"]).toBe("building image api:dev");
    expect(t.view().services.find((s) => s.name === "api")?.build).toMatchObject({ status: "building", image: "api:dev" });
    // cache has no build: it is applied meanwhile; api is held like an unmet dependency.
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "cache"]);

    t.builder.finish("api", ["Step 1/2 : FROM node", "Successfully built 123"]);
    await t.settle();
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "cache", "api"]);
    const api = t.lastApplied("api")!;
    expect(images(api)).toEqual(["api:dl-aaa"]);
    // The workload's input-hash annotation is the unit's desired hash (built ref included), so the watch matches it.
    const unit = t.engine.getState().projects["shop"]!.units["api"]!;
    expect(api.metadata.annotations?.["devloop.dev/input-hash"]).toBe(unit.desiredHash);
    expect(unit.appliedHash).toBe(unit.desiredHash);
    expect(t.phases()["api"]).toBe("starting");
    expect(t.view().services.find((s) => s.name === "api")?.build).toMatchObject({ status: "built", ref: "api:dl-aaa", skipped: false, ms: 1500 });
    // Build output went to the service's log.
    const logs = t.actions.flatMap((a) => (a.type === "log" && a.source === "build" ? [`${a.service}: ${a.line}`] : []));
    expect(logs).toEqual(["api: Step 1/2 : FROM node", "api: Successfully built 123", "api: built api:dl-aaa in 1.5 s"]);
    const finished = t.actions.find((a) => a.type === "buildFinished");
    expect(finished).toMatchObject({ service: "api", image: "api:dl-aaa", ms: 1500 });
  });

  it("a reload with unchanged inputs skips the build and applies nothing; changed content rolls out the new tag", async () => {
    const t = setup(withBuilds(["api"]));
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.builder.finish("api");
    await t.settle();
    const applies = t.cluster.applied.length;

    await t.reload();
    expect(t.builder.calls.length).toBe(2);
    expect(t.builder.running()).toEqual([]);
    expect(t.cluster.applied.length).toBe(applies);
    expect(t.view().services.find((s) => s.name === "api")?.build).toMatchObject({ status: "built", ref: "api:dl-aaa", skipped: true });

    t.builder.setContent("api", "bbb");
    await t.reload();
    // Rebuilding: the old image keeps running (applied), nothing re-applied yet.
    expect(t.builder.running()).toEqual(["api"]);
    expect(t.cluster.applied.length).toBe(applies);
    t.builder.finish("api");
    await t.settle();
    expect(t.cluster.appliedServices().slice(applies)).toEqual(["api"]);
    expect(images(t.lastApplied("api")!)).toEqual(["api:dl-bbb"]);
  });

  it("runs at most two builds of a project at once, one per service", async () => {
    const t = setup(withBuilds(["web", "api", "cache"]));
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.builder.running()).toEqual(["web", "api"]);
    expect(t.phases()["cache"]).toBe("building");
    expect(t.messages()["cache"]).toBe("image cache:dev queued for build");
    expect(t.cluster.appliedServices()).toEqual(["(namespace)"]);

    // A reload while web builds queues another web build; it starts only when the first one is done.
    t.builder.setContent("web", "w2");
    await t.reload();
    expect(t.builder.running()).toEqual(["web", "api"]);
    t.builder.finish("api");
    await t.settle();
    expect(t.builder.running()).toEqual(["web", "cache"]);
    t.builder.finish("web");
    await t.settle();
    // The first web build answered an older load: its result is dropped and the queued build runs.
    expect(t.builder.running()).toEqual(["cache", "web"]);
    expect(t.builder.calls.filter((c) => c.service === "web").length).toBe(2);
    expect(t.phases()["web"]).not.toBe("applying");
  });

  it("shows the step a build is at (n/m, cached or running, its last output line) while it runs, and drops it when done", async () => {
    const t = setup(withBuilds(["api"]));
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const progress = () => t.view().services.find((s) => s.name === "api")?.build?.progress;
    expect(progress()).toBeUndefined();
    t.builder.progress("api", { step: "1/3", name: "FROM node:20", state: "cached" }, { step: "2/3", name: "RUN npm ci", state: "running" });
    await t.settle();
    expect(progress()).toEqual({ step: "2/3", name: "RUN npm ci", state: "running" });
    // Output lines of the same step: the newest one now and then (not one state change per line).
    t.builder.progress("api", { step: "2/3", name: "RUN npm ci", state: "running", last: "added 1 package" });
    t.builder.progress("api", { step: "2/3", name: "RUN npm ci", state: "running", last: "added 2 packages" });
    await t.settle();
    expect(progress()).toEqual({ step: "2/3", name: "RUN npm ci", state: "running" });
    t.clock.advance(buildProgressMs);
    t.builder.progress("api", { step: "2/3", name: "RUN npm ci", state: "running", last: "added 3 packages" });
    await t.settle();
    expect(progress()).toEqual({ step: "2/3", name: "RUN npm ci", state: "running", last: "added 3 packages" });
    const step = t.builder.progress.bind(t.builder);
    step("api", { step: "3/3", name: "COPY . .", state: "done" });
    await t.settle();
    expect(progress()).toEqual({ step: "3/3", name: "COPY . .", state: "done" });
    expect(t.actions.filter((a) => a.type === "buildProgressed")).toHaveLength(4);
    t.builder.finish("api");
    await t.settle();
    expect(t.view().services.find((s) => s.name === "api")?.build).toMatchObject({ status: "built" });
    expect(progress()).toBeUndefined();
    expect(t.engine.getState().projects["shop"]?.builds?.["api"]?.progress).toBeUndefined();
  });

  it("hands the builder the environment of the up that asked (environment-sourced build secrets are read there), and keeps no secret value in the build state", async () => {
    const secret = { ...buildOf("api"), secrets: [{ id: "npm", environment: "NPM_TOKEN" }] };
    const t = setup({ ...withBuilds(["api"]), buildRequests: { api: secret } });
    const environment = { NPM_TOKEN: "tok-4f1c9e", PATH: "/usr/bin" };
    t.engine.dispatch({ type: "projectRequested", request: { ...request, options: { ...request.options, environment } } });
    await t.settle();
    expect(t.builder.calls.at(-1)?.secrets).toEqual([{ id: "npm", environment: "NPM_TOKEN" }]);
    expect(t.builder.environments.at(-1)).toEqual(environment);
    t.builder.finish("api");
    await t.settle();
    const project = t.engine.getState().projects["shop"];
    expect(JSON.stringify(project?.builds)).not.toContain("tok-4f1c9e");
    expect(JSON.stringify(project?.loaded)).not.toContain("tok-4f1c9e");
    expect(JSON.stringify(t.view())).not.toContain("tok-4f1c9e");
  });

  it("a failed build blocks the service and its dependents, with the output tail kept", async () => {
    const t = setup(withBuilds(["cache"]));
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.builder.fail("cache", "build of cache failed at step 2/3 (RUN make): the command exited with code 2\n  | make: *** no rule", ["Step 2/3 : RUN make", "make: *** no rule"]);
    await t.settle();
    expect(t.phases()).toMatchObject({ cache: "blocked", web: "blocked", migrate: "blocked", api: "starting" });
    expect(t.messages()["cache"]).toBe("blocked: image build failed: build of cache failed at step 2/3 (RUN make): the command exited with code 2");
    expect(t.messages()["migrate"]).toContain("blocked: cache is blocked (blocked: image build failed");
    const build = t.view().services.find((s) => s.name === "cache")?.build;
    expect(build).toMatchObject({ status: "failed", tail: ["Step 2/3 : RUN make", "make: *** no rule"] });
    expect(build?.error).toContain("no rule");
    expect(t.cluster.appliedServices()).toEqual(["(namespace)", "api"]);
    const errors = t.actions.filter((a) => a.type === "log" && a.level === "error" && a.service === "cache");
    expect(errors.length).toBe(1);

    // Fixed: the next load builds again and the service is applied.
    t.builder.setContent("cache", "fixed");
    await t.reload();
    expect(t.phases()["cache"]).toBe("building");
    t.builder.finish("cache");
    await t.settle();
    expect(t.cluster.appliedServices()).toContain("cache");
    expect(images(t.lastApplied("cache")!)).toEqual(["cache:dl-fixed"]);
  });

  it("keeps the previous image running when a rebuild fails, and says so", async () => {
    const t = setup(withBuilds(["api"]));
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.builder.finish("api");
    await t.settle();
    t.cluster.markReady("shop-dev", "api");
    await t.settle();
    expect(t.phases()["api"]).toBe("ready");
    t.builder.setContent("api", "broken");
    await t.reload();
    t.builder.fail("api", "build of api failed: syntax error");
    await t.settle();
    expect(t.phases()["api"]).toBe("ready");
    expect(t.messages()["api"]).toBe("image build failed: build of api failed: syntax error (running the previous image)");
    expect(images(t.lastApplied("api")!)).toEqual(["api:dl-aaa"]);
  });

  it("a restarted daemon (state restored) re-applies nothing for built services", async () => {
    const t = setup(withBuilds(["api"]));
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.builder.finish("api");
    await t.settle();
    const saved = Object.values(t.engine.getState().projects);

    const u = setup(withBuilds(["api"]));
    u.builder.setContent("api", "aaa");
    u.builder.images.add("api:dl-aaa");
    u.engine.dispatch({ type: "stateRestored", projects: JSON.parse(JSON.stringify(saved)) as typeof saved });
    await u.settle();
    expect(u.builder.calls.length).toBe(1);
    expect(u.cluster.appliedServices()).toEqual([]);
    expect(u.view().services.find((s) => s.name === "api")?.build).toMatchObject({ status: "built", skipped: true });
  });
});
