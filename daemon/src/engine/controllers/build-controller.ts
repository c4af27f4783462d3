/**
 * Builds the images of services with compose build: (ImageBuilder port) before their workloads are applied.
 * Every load queues a build per such service (reducer); this controller starts queued builds, one at a time per
 * service and at most `parallel` per project (main.ts: the machine's cores), streams the output as service-scoped log lines and reports
 * buildFinished with the built reference (the content-hash tag: unchanged inputs → same tag, skipped, nothing
 * re-applied) or the failure with the output's last lines. selectors.serviceViews holds the apply gate ("building").
 */
import type { Clock } from "../../clock/clock.js";
import type { BuildStepProgress, ImageBuilder } from "../../ports/image-builder.js";
import type { Dispatch } from "../actions.js";
import { buildsToStart } from "../selectors.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export const buildTailLines = 20;

/** A step's new last output line reaches the state (and up's live line) at most this often; a step change at once. */
export const buildProgressMs = 250;

export interface BuildControllerParams {
  readonly builder: ImageBuilder;
  readonly clock: Clock;
  /** Builds of one project running at once (independent services build in parallel; main.ts passes the cores). */
  readonly parallel?: number;
}

export const createBuildController = ({ builder, clock, parallel = 2 }: BuildControllerParams): Controller => {
  /** project → services whose build runs. */
  const running = new Map<string, Set<string>>();
  let stopped = false;

  return {
    name: "build",
    onChange(state: EngineState, dispatch: Dispatch) {
      if (stopped) return;
      for (const project of Object.values(state.projects)) {
        const loaded = project.loaded;
        if (!loaded) continue;
        const mine = running.get(project.name) ?? new Set<string>();
        running.set(project.name, mine);
        for (const service of buildsToStart(project)) {
          if (mine.size >= parallel) break;
          const request = loaded.buildRequests?.[service];
          const build = project.builds?.[service];
          if (mine.has(service) || request === undefined || build === undefined) continue;
          mine.add(service);
          const generation = build.wanted;
          const started = clock.now();
          dispatch({ type: "buildStarted", project: project.name, service, generation, at: started });
          const tail: string[] = [];
          const onLine = (line: string): void => {
            tail.push(line);
            if (tail.length > buildTailLines) tail.shift();
            dispatch({ type: "log", source: "build", level: "info", line, project: project.name, service, at: clock.now() });
          };
          // The slot is freed before buildFinished is dispatched, so the controller run it triggers can start the next build.
          let lastStep: string | undefined;
          let shown: { key: string; last?: string; at: number } | undefined;
          const onProgress = (progress: BuildStepProgress): void => {
            if (progress.step !== undefined) {
              // The live view: every step or state change, and the step's newest output line now and then.
              const key = `${progress.step} ${progress.name} ${progress.state}`;
              const now = clock.now();
              if (shown === undefined || shown.key !== key || (shown.last !== progress.last && now - shown.at >= buildProgressMs)) {
                shown = { key, ...(progress.last === undefined ? {} : { last: progress.last }), at: now };
                const { step, name, state, last } = progress;
                dispatch({ type: "buildProgressed", project: project.name, service, generation, progress: { step, name, state, ...(last === undefined ? {} : { last }) }, at: now });
              }
            }
            // One line per step change, for the log's live view: "step 3/7 RUN npm ci: cached".
            const key = `${progress.step ?? ""} ${progress.state}`;
            if (progress.step === undefined || key === lastStep || progress.state === "running" || progress.state === "error") return;
            lastStep = key;
            dispatch({ type: "log", source: "build", level: "debug", line: `step ${progress.step} ${progress.name}: ${progress.state}${progress.last === undefined ? "" : ` (last output: ${progress.last})`}`, project: project.name, service, at: clock.now() });
          };
          builder
            // Environment-sourced build secrets come from the caller's environment (never copied into a request or the state).
            .build(request, onLine, onProgress, project.request.options.environment, project.request.options.noBuild === true ? { noBuild: true } : undefined)
            .then((result) => {
              mine.delete(service);
              const what = result.skipped ? `image ${result.ref} is up to date` : `built ${result.ref} in ${(result.ms / 1000).toFixed(1)} s`;
              dispatch({ type: "log", source: "build", level: "info", line: what, project: project.name, service, at: clock.now() });
              dispatch({ type: "buildFinished", project: project.name, service, generation, image: result.ref, skipped: result.skipped, ms: result.ms, ...(result.command === undefined ? {} : { command: result.command }), at: clock.now() });
            })
            .catch((error: unknown) => {
              mine.delete(service);
              const message = error instanceof Error ? error.message : String(error);
              dispatch({ type: "log", source: "build", level: "error", line: message, project: project.name, service, at: clock.now() });
              dispatch({ type: "buildFinished", project: project.name, service, generation, ms: clock.now() - started, error: message, tail: [...tail], at: clock.now() });
            });
        }
      }
      for (const [name, mine] of running) if (!state.projects[name] && mine.size === 0) running.delete(name);
    },
    stop() {
      stopped = true;
      return Promise.resolve();
    },
  };
};
