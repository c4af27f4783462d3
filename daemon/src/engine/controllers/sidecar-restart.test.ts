/** `devloop restart <sidecar>` replaces its host's pods: a sidecar (network_mode: service:web) has none of its own. */
import { describe, expect, it, vi } from "vitest";
import { loadProject } from "../../compose/index.js";
import { createMemoryFileSystem } from "../../compose/memory-file-system.js";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeCompiler } from "../../ports/fakes/fake-compiler.js";
import { createFakeContainerExec } from "../../ports/fakes/fake-container-exec.js";
import { createFakeFileWatcher } from "../../ports/fakes/fake-file-watcher.js";
import { createFakeSyncer } from "../../ports/fakes/fake-syncer.js";
import type { LoadedProject } from "../../ports/project-loader.js";
import type { PathFilter } from "../../sync/path-filter.js";
import { toManifests } from "../../translate/index.js";
import type { ServiceLive } from "../../translate/types.js";
import { createEngine } from "../engine.js";
import type { ProjectRequest } from "../state.js";
import { createSyncController } from "./sync-controller.js";

const compose = `name: side
services:
  web:
    image: nginx:1.25
  proxy:
    image: envoy:1
    network_mode: service:web
`;

const loaded = (live?: Record<string, ServiceLive>): LoadedProject => {
  const result = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem({ "/p/compose.yml": compose }));
  if (!result.ok) throw new Error("load failed");
  const t = toManifests(result.project, { namespace: "side-dev" });
  return { name: "side", namespace: "side-dev", composeFiles: ["/p/compose.yml"], services: ["web", "proxy"], manifests: t.manifests, dependencies: t.dependencies, ports: [], builds: {}, warnings: [], ...(live === undefined ? {} : { live }) };
};

const request: ProjectRequest = { name: "side", options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, isolation: true };

const setup = (project: LoadedProject) => {
  const clock = createFakeClock();
  const deleted: string[] = [];
  const deleteByLabel = (namespace: string, selector: string, kinds: readonly string[]): Promise<readonly []> => {
    deleted.push(`${namespace} ${selector} ${kinds.join(",")}`);
    return Promise.resolve([]);
  };
  const allow: PathFilter = () => true;
  const controller = createSyncController({
    watcher: createFakeFileWatcher(), syncer: createFakeSyncer(), compiler: createFakeCompiler(), exec: createFakeContainerExec().exec, cluster: { deleteByLabel }, clock,
    ruleFilter: () => Promise.resolve(allow), sourceFilter: () => Promise.resolve(allow),
  });
  const engine = createEngine({ clock, controllers: [controller] });
  engine.dispatch({ type: "projectRequested", request });
  engine.dispatch({ type: "projectLoaded", project: "side", generation: 1, loaded: project, hashes: {} });
  return { engine, deleted };
};

const webPods = "side-dev devloop.dev/project=side,devloop.dev/service=web Pod";

describe("restart of a sidecar without a supervisor", () => {
  it("deletes its host's pods (a project without live rules), and each pod once when every service restarts", async () => {
    const t = setup(loaded());
    t.engine.dispatch({ type: "liveRequested", project: "side", kind: "restart", service: "proxy", at: 1 });
    await vi.waitFor(() => expect(t.deleted).toEqual([webPods]));
    t.engine.dispatch({ type: "liveRequested", project: "side", kind: "restart", at: 2 });
    await vi.waitFor(() => expect(t.engine.getState().projects["side"]?.liveRequests).toEqual([]));
    expect(t.deleted).toEqual([webPods, webPods]);
  });

  it('deletes its host\'s pods when the sidecar has live rules whose restart is "pod"', async () => {
    const t = setup(loaded({ proxy: { service: "proxy", container: "proxy", restart: "pod", seededDirs: [], rules: [] } }));
    t.engine.dispatch({ type: "liveRequested", project: "side", kind: "restart", service: "proxy", at: 1 });
    await vi.waitFor(() => expect(t.deleted).toEqual([webPods]));
  });
});
