/** A live loop and its LiveDeps over ports/fakes, for the unit tests of engine/live/'s job runners (not used by the daemon). */
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeCompiler } from "../../ports/fakes/fake-compiler.js";
import { createFakeContainerExec } from "../../ports/fakes/fake-container-exec.js";
import { createFakeSyncer } from "../../ports/fakes/fake-syncer.js";
import type { ObservedObject } from "../../ports/cluster.js";
import type { ServiceLive } from "../../translate/types.js";
import type { Action } from "../actions.js";
import { shopProject } from "../controllers/test-project.js";
import { createLiveQueue } from "../live-queue.js";
import type { ProjectState } from "../state.js";
import { createArtifactShelf } from "./artifact-shelf.js";
import type { Job, LiveDeps, Loop } from "./loop.js";
import { mergeJobs } from "./loop.js";
import { createManifestBook } from "./manifest-book.js";
import { createPodTracker } from "./pod-tracker.js";
import { createPullCursors } from "./pull-cursors.js";

export const testPod = (name: string, service: string, over: Partial<NonNullable<ObservedObject["pod"]>> = {}): ObservedObject => ({
  kind: "Pod", name, namespace: "shop-dev", labels: { "devloop.dev/service": service },
  pod: { phase: "Running", ready: true, restarts: 0, containers: [service], deleting: false, ...over },
});

export const createTestLoop = (live: Readonly<Record<string, ServiceLive>>, objects: readonly ObservedObject[]) => {
  const clock = createFakeClock();
  const syncer = createFakeSyncer();
  const exec = createFakeContainerExec();
  const actions: Action[] = [];
  const deleted: string[] = [];
  let retries = 0;
  const deps: LiveDeps = {
    syncer, compiler: createFakeCompiler(), exec: exec.exec, clock,
    cluster: { deleteByLabel: (namespace, selector) => { deleted.push(`${namespace} ${selector}`); return Promise.resolve([]); } },
    dispatch: (action) => { actions.push(action); },
    retrySoon: () => { retries += 1; },
  };
  const project = {
    name: "shop", generation: 1, status: "active", units: {}, loaded: { ...shopProject(), live },
    objects: Object.fromEntries(objects.map((o) => [`Pod/${o.name}`, o])),
  } as unknown as ProjectState;
  const loop: Loop = {
    key: "k", name: "shop", namespace: "shop-dev", live, project, filters: new Map(),
    manifests: createManifestBook("shop", undefined), pods: createPodTracker(), pulls: createPullCursors(), artifacts: createArtifactShelf(),
    handled: new Set(), queue: createLiveQueue<Job>(() => Promise.resolve(), mergeJobs), closed: false,
  };
  return { clock, syncer, exec, actions, deleted, deps, loop, retries: () => retries };
};
