import { describe, expect, it } from "vitest";
import type { Stoppable } from "../../ports/cluster.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeProjectLoader } from "../../ports/fakes/fake-project-loader.js";
import type { Action } from "../actions.js";
import { createEngine } from "../engine.js";
import type { ProjectRequest } from "../state.js";
import { createConfigController, type WatchFiles } from "./config-controller.js";
import { ok, shopProject } from "./test-project.js";

const request: ProjectRequest = {
  name: "shop",
  options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" },
  isolation: true,
};

/** A WatchFiles that records what is watched and lets the test fire a change. */
const createFakeWatchFiles = () => {
  const active = new Map<number, { files: readonly string[]; onChange: (file: string) => void }>();
  let next = 0;
  const watchFiles: WatchFiles = (files, onChange): Stoppable => {
    const id = next++;
    active.set(id, { files, onChange });
    return { stop: () => Promise.resolve(void active.delete(id)) };
  };
  const watched = (): readonly string[] => [...active.values()].flatMap((w) => w.files);
  const change = (file: string): void => [...active.values()].filter((w) => w.files.includes(file)).forEach((w) => w.onChange(file));
  return { watchFiles, watched, change };
};

const setup = () => {
  const watch = createFakeWatchFiles();
  const project = { ...shopProject(), composeFiles: ["/p/compose.yml"], inputFiles: ["/p/compose.yml", "/p/.env", "/p/web.env", "/p/labels.txt"] };
  const loader = createFakeProjectLoader(ok(project));
  const actions: Action[] = [];
  const engine = createEngine({
    clock: createFakeClock(),
    controllers: [createConfigController({ loader, watchFiles: watch.watchFiles })],
    onBatch: (_state, batch) => void actions.push(...batch),
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { watch, loader, engine, actions, settle, project };
};

describe("config controller", () => {
  it("watches every file the last good load read, and an edit to any of them reloads", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.watch.watched()).toEqual(["/p/compose.yml", "/p/.env", "/p/web.env", "/p/labels.txt"]);
    expect(t.loader.requests).toHaveLength(1);

    t.watch.change("/p/web.env");
    await t.settle();
    expect(t.actions.filter((a) => a.type === "composeChanged")).toEqual([{ type: "composeChanged", project: "shop", files: ["/p/web.env"] }]);
    expect(t.loader.requests).toHaveLength(2);
  });

  it("keeps the last good load's files watched while an edit is invalid, and follows a new set when valid again", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    t.loader.set({ ok: false, diagnostics: [{ code: "DL-COMPOSE-009", severity: "error", file: "/p/compose.yml", line: 3, column: 5, path: "services.web.enviroment", message: "unknown key" }] });
    t.watch.change("/p/compose.yml");
    await t.settle();
    expect(t.watch.watched()).toEqual(["/p/compose.yml", "/p/.env", "/p/web.env", "/p/labels.txt"]);

    t.loader.set(ok({ ...t.project, inputFiles: ["/p/compose.yml", "/p/.env"] }));
    t.watch.change("/p/.env");
    await t.settle();
    expect(t.watch.watched()).toEqual(["/p/compose.yml", "/p/.env"]);
  });

  it("falls back to the compose files for a loader that names no inputs", async () => {
    const t = setup();
    t.loader.set(ok({ ...t.project, inputFiles: undefined }));
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.watch.watched()).toEqual(["/p/compose.yml"]);
  });
});

describe("config controller: an up (POST /api/projects)", () => {
  const upRequest = { options: request.options, isolation: true };

  it("loads the up once; accepted, that load is the project's and nothing is loaded again", async () => {
    const t = setup();
    t.engine.dispatch({ type: "upRequested", id: "u1", request: upRequest });
    await t.settle();
    const up = t.engine.getState().ups?.["u1"];
    expect(up?.result?.ok).toBe(true);
    expect(up?.hashes).toBeDefined();
    t.engine.dispatch({ type: "upAccepted", id: "u1", request });
    await t.settle();
    const project = t.engine.getState().projects["shop"];
    expect(project).toMatchObject({ status: "active", generation: 1, loadedGeneration: 1 });
    expect(Object.keys(project?.units ?? {}).sort()).toEqual(["(namespace)", "api", "cache", "migrate", "web"]);
    expect(t.engine.getState().ups).toEqual({});
    expect(t.loader.requests).toHaveLength(1);
  });

  it("hands the load the namespace a project chose earlier (ns use), and a dropped up leaves no trace", async () => {
    const t = setup();
    t.engine.dispatch({ type: "projectRequested", request: { ...request, namespace: "shop-other" } });
    await t.settle();
    t.engine.dispatch({ type: "upRequested", id: "u2", request: upRequest });
    await t.settle();
    expect(t.loader.requests.at(-1)).toMatchObject({ namespaces: { shop: "shop-other" } });
    t.engine.dispatch({ type: "upDropped", id: "u2" });
    await t.settle();
    expect(t.engine.getState().ups).toEqual({});
    expect(t.engine.getState().projects["shop"]?.generation).toBe(1);
  });

  it("loads again when the accepted request's namespace is not the one the up was loaded for", async () => {
    const t = setup();
    t.engine.dispatch({ type: "upRequested", id: "u3", request: upRequest });
    await t.settle();
    t.engine.dispatch({ type: "upAccepted", id: "u3", request: { ...request, namespace: "elsewhere" } });
    await t.settle();
    expect(t.loader.requests).toHaveLength(2);
    expect(t.loader.requests[1]).toMatchObject({ namespace: "elsewhere" });
  });
});
