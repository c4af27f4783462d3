import { describe, expect, it } from "vitest";
import type { LoadedProject, ProjectLoader } from "../../ports/project-loader.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeDeliveryPlanner } from "../../ports/fakes/fake-delivery-planner.js";
import { createFakeImageBuilder } from "../../ports/fakes/fake-image-builder.js";
import { createFakeRegistryStore } from "../../ports/fakes/fake-registry-store.js";
import type { Action } from "../actions.js";
import { createEngine } from "../engine.js";
import type { ProjectRequest } from "../state.js";
import { createApplyController } from "./apply-controller.js";
import { createBuildController } from "./build-controller.js";
import { createConfigController } from "./config-controller.js";
import { createRegistryRetentionController } from "./registry-retention-controller.js";
import { ok, shopProject } from "./test-project.js";

const request: ProjectRequest = {
  name: "shop",
  context: "team-a",
  options: { files: [], profiles: [], envFiles: [], services: [], environment: { DEVLOOP_REGISTRY: "reg:5000" }, cwd: "/p", projectName: "shop" },
  isolation: true,
};

const project: LoadedProject = {
  ...shopProject({ services: ["api"] }),
  builds: { api: "shop-api:dev" },
  buildRequests: { api: { service: "api", image: "shop-api:dev", context: "/p/api", dockerfile: "Dockerfile", args: {} } },
};

const setup = (keep: number) => {
  const clock = createFakeClock();
  const builder = createFakeImageBuilder();
  const planner = createFakeDeliveryPlanner();
  planner.setCluster("team-a", "remote");
  const store = createFakeRegistryStore();
  const loader: ProjectLoader = { load: () => Promise.resolve(ok(project)) };
  const actions: Action[] = [];
  const engine = createEngine({
    clock,
    controllers: [
      createConfigController({ loader }),
      createBuildController({ builder, clock, planner }),
      createApplyController({ cluster: createFakeCluster(), clock }),
      createRegistryRetentionController({ store, clock, keep }),
    ],
    onBatch: (_state, batch) => void actions.push(...batch),
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const logs = () => actions.flatMap((a) => (a.type === "log" && a.source === "registry" ? [`${a.level}: ${a.line}`] : []));
  return { builder, store, engine, settle, logs };
};

describe("registry retention controller", () => {
  it("after a push, deletes the repository's older content-hash images beyond the newest N, never the one running", async () => {
    const t = setup(2);
    const repo = "reg:5000/shop-api";
    t.store.push(repo, "dl-0001", "sha256:1", 1000);
    t.store.push(repo, "dl-0002", "sha256:2", 2000);
    t.store.push(repo, "dl-0003", "sha256:3", 3000);
    t.store.push(repo, "v1.0", "sha256:9", 500);
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.store.lists).toEqual([]);
    // What the push left in the registry (the fake builder pushes nothing itself).
    t.store.push(repo, "dl-aaa", "sha256:a", 4000);
    t.builder.finish("api");
    await t.settle();
    expect(t.store.deletes).toEqual([`${repo}@sha256:1`, `${repo}@sha256:2`]);
    expect(t.store.tags(repo).sort()).toEqual(["dl-0003", "dl-aaa", "v1.0"]);
    expect(t.logs()).toEqual([`info: registry ${repo}: deleted 2 old image tag(s) (dl-0001, dl-0002), kept 3; the registry's garbage collection frees their layers`]);

    // An unchanged reload pushes the same reference: no second pass.
    t.engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await t.settle();
    expect(t.store.lists).toHaveLength(1);
  });

  it("keeps the tag a project runs even when it is old; a registry that fails is a warning, and keep 0 turns it off", async () => {
    const t = setup(1);
    const repo = "reg:5000/shop-api";
    t.store.push(repo, "dl-eee", "sha256:n", 9000);
    t.store.push(repo, "dl-aaa", "sha256:a", 1000);
    t.builder.setContent("api", "aaa");
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.builder.finish("api");
    await t.settle();
    // dl-aaa is older than the newest 1 (dl-eee), but the project runs it.
    expect(t.store.lists).toHaveLength(1);
    expect(t.store.deletes).toEqual([]);

    t.builder.setContent("api", "bbb");
    t.store.push(repo, "dl-bbb", "sha256:b", 10_000);
    t.engine.dispatch({ type: "composeChanged", project: "shop", files: ["/p/compose.yml"] });
    await t.settle();
    t.store.failWith("DELETE answered 405");
    t.builder.finish("api");
    await t.settle();
    expect(t.logs()).toEqual([`warn: registry ${repo}: old images not deleted: DELETE answered 405`]);
    expect(t.store.tags(repo).sort()).toEqual(["dl-aaa", "dl-bbb", "dl-eee"]);

    const off = setup(0);
    off.builder.setContent("api", "aaa");
    off.engine.dispatch({ type: "projectRequested", request });
    await off.settle();
    off.builder.finish("api");
    await off.settle();
    expect(off.store.lists).toEqual([]);
  });
});
