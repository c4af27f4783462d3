/**
 * Loads each requested project (compose + translate through the ProjectLoader port) whenever its generation
 * moves (a new `up`, a compose edit), prepares the manifests and dispatches projectLoaded with unit hashes,
 * or projectInvalid with diagnostics — the last good load keeps running. Watches every file the last good load read
 * (the compose files, .env, env_file, label_file, secret/config and bind-mounted files).
 */
import type { ProjectLoader } from "../../ports/project-loader.js";
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

export const createConfigController = ({ loader, watchFiles }: ConfigControllerParams): Controller => {
  const started = new Map<string, number>();
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
        const generation = project.generation;
        const request = project.request;
        loader
          .load({ options: request.options, ...(request.namespace === undefined ? {} : { namespace: request.namespace }), isolation: request.isolation })
          .then((result) => {
            if (!result.ok) {
              dispatch({ type: "projectInvalid", project: name, generation, diagnostics: result.diagnostics });
              return;
            }
            const prepared = prepareManifests({
              project: name,
              namespace: result.project.namespace,
              services: result.project.services,
              manifests: result.project.manifests,
              isolation: request.isolation,
            });
            dispatch({ type: "projectLoaded", project: name, generation, loaded: { ...result.project, manifests: prepared.manifests }, hashes: prepared.hashes });
          })
          .catch((error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            dispatch({
              type: "projectInvalid",
              project: name,
              generation,
              diagnostics: [{ code: "DL-LOAD-001", severity: "error", file: "", line: 0, column: 0, path: "", message: `loading the project failed: ${message}` }],
            });
          });
      }
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
