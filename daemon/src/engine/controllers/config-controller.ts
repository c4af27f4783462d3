/**
 * Loads each requested project (compose + translate through the ProjectLoader port) whenever its generation
 * moves (a compose edit, ns use, profiles, rebuild, a restart), prepares the manifests and dispatches projectLoaded
 * with unit hashes, or projectInvalid with diagnostics — the last good load keeps running. An `up` (state.ups) is
 * loaded here too, once: upLoaded hands the result to the server, and upAccepted makes it the project's load.
 * Watches every file the last good load read (the compose files, .env, env_file, label_file, secret/config and
 * bind-mounted files).
 */
import type { Diagnostic } from "../../errors/diagnostic.js";
import { ProjectLoadError } from "../../errors/load-error.js";
import type { ProjectLoader, ProjectLoadRequest, ProjectLoadResult } from "../../ports/project-loader.js";
import type { Stoppable } from "../../ports/cluster.js";
import type { Dispatch } from "../actions.js";
import { prepareManifests } from "../prepare-manifests.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export type WatchFiles = (files: readonly string[], onChange: (file: string) => void) => Stoppable;

export interface ConfigControllerParams {
  readonly loader: ProjectLoader;
  readonly watchFiles?: WatchFiles;
}

/** A load that threw: one DL-LOAD-001 diagnostic. */
const failed = (error: unknown): Diagnostic[] => {
  const message = error instanceof Error ? error.message : String(error);
  return [new ProjectLoadError(`loading the project failed: ${message}`, { cause: error }).toDiagnostic()];
};

export const createConfigController = ({ loader, watchFiles }: ConfigControllerParams): Controller => {
  const started = new Map<string, number>();
  const upsStarted = new Set<string>();

  /** One load, its manifests prepared (labels, isolation defaults, unit hashes); a load that throws is a DL-LOAD-001 diagnostic. */
  const load = async (request: ProjectLoadRequest, name?: string): Promise<{ result: ProjectLoadResult; hashes?: Readonly<Record<string, string>> }> => {
    try {
      const result = await loader.load(request);
      if (!result.ok) return { result };
      const prepared = prepareManifests({
        project: name ?? result.project.name,
        namespace: result.project.namespace,
        services: result.project.services,
        manifests: result.project.manifests,
        isolation: request.isolation ?? true,
      });
      return { result: { ok: true, project: { ...result.project, manifests: prepared.manifests } }, hashes: prepared.hashes };
    } catch (error) {
      return { result: { ok: false, diagnostics: failed(error) } };
    }
  };
  const watches = new Map<string, { key: string; watch: Stoppable }>();

  const syncWatch = (name: string, files: readonly string[], dispatch: Dispatch): void => {
    if (!watchFiles) return;
    const key = files.join("\n");
    const current = watches.get(name);
    if (current?.key === key) return;
    void current?.watch.stop();
    if (files.length === 0) {
      watches.delete(name);
      return;
    }
    watches.set(name, { key, watch: watchFiles(files, (file) => dispatch({ type: "composeChanged", project: name, files: [file] })) });
  };

  return {
    name: "config",
    onChange(state: EngineState, dispatch: Dispatch) {
      for (const [name, project] of Object.entries(state.projects)) {
        if (project.status === "stopping") {
          syncWatch(name, [], dispatch);
          continue;
        }
        if (project.loaded) syncWatch(name, project.loaded.inputFiles ?? project.loaded.composeFiles, dispatch);
        if (started.get(name) === project.generation) continue;
        started.set(name, project.generation);
        // An up's load became this generation's (upAccepted): nothing to load again.
        if (project.loadedGeneration === project.generation) continue;
        const generation = project.generation;
        const request = project.request;
        void load({ options: request.options, ...(request.namespace === undefined ? {} : { namespace: request.namespace }), isolation: request.isolation }, name)
          .then(({ result, hashes }) =>
            dispatch(result.ok ? { type: "projectLoaded", project: name, generation, loaded: result.project, hashes: hashes ?? {} } : { type: "projectInvalid", project: name, generation, diagnostics: result.diagnostics }),
          )
          .catch((error: unknown) => dispatch({ type: "projectInvalid", project: name, generation, diagnostics: failed(error) }));
      }
      for (const [id, up] of Object.entries(state.ups ?? {})) {
        if (up.result !== undefined || upsStarted.has(id)) continue;
        upsStarted.add(id);
        // The namespace a project chose earlier (ns use) is kept unless this up names one: the load must know it.
        const namespaces = Object.fromEntries(Object.values(state.projects).flatMap((p) => (p.request.namespace === undefined ? [] : [[p.name, p.request.namespace] as const])));
        void load({ ...up.request, namespaces })
          .then(({ result, hashes }) => dispatch({ type: "upLoaded", id, result, ...(hashes === undefined ? {} : { hashes }) }))
          .catch((error: unknown) => dispatch({ type: "upLoaded", id, result: { ok: false, diagnostics: failed(error) } }));
      }
      for (const id of upsStarted) if (state.ups?.[id] === undefined) upsStarted.delete(id);
      for (const name of started.keys()) {
        if (!state.projects[name]) {
          started.delete(name);
          syncWatch(name, [], dispatch);
        }
      }
    },
    async stop() {
      await Promise.allSettled([...watches.values()].map((w) => w.watch.stop()));
      watches.clear();
    },
  };
};
