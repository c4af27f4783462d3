/**
 * Builds the images of services with compose build: (ImageBuilder port) before their workloads are applied.
 * Every load queues a build per such service (reducer); this controller starts queued builds, one at a time per
 * service and at most `parallel` per project (main.ts: the machine's cores), streams the output as service-scoped log lines and reports
 * buildFinished with the built reference (the content-hash tag: unchanged inputs → same tag, skipped, nothing
 * re-applied) or the failure with the output's last lines. selectors.serviceViews holds the apply gate ("building").
 * With a DeliveryPlanner, each load first gets its delivery decided under the project's own kube target
 * (deliveryDecided: shown by status and the dashboard), and that load's builds wait for it and deliver that way.
 */
import type { Clock } from "../../clock/clock.js";
import type { DeliveryPlanner } from "../../ports/delivery-planner.js";
import type { BuildStepProgress, ImageBuilder } from "../../ports/image-builder.js";
import type { Dispatch } from "../actions.js";
import type { Environment } from "../project-delivery.js";
import { deliveryLine, projectArtifacts, projectDeliverySettings, projectTarget } from "../project-delivery.js";
import { buildsToStart } from "../selectors.js";
import type { EngineState, ProjectState } from "../state.js";
import type { Controller } from "./controller.js";

export const buildTailLines = 20;

/** A step's new last output line reaches the state (and up's live line) at most this often; a step change at once. */
export const buildProgressMs = 250;

export interface BuildControllerParams {
  readonly builder: ImageBuilder;
  readonly clock: Clock;
  /** Builds of one project running at once (independent services build in parallel; main.ts passes the cores). */
  readonly parallel?: number;
  /** Decides each load's image delivery under the project's kube target; without one the builder's own delivery is used. */
  readonly planner?: DeliveryPlanner;
  /** The daemon's environment: DEVLOOP_IMAGE_DELIVERY / DEVLOOP_REGISTRY below the caller's, DEVLOOP_ARTIFACT_DELIVERY. */
  readonly daemonEnv?: Environment;
  /** Where the decision's line goes (main.ts: the daemon log, which also dispatches it); default: a log action. */
  readonly onDecided?: (project: string, line: string, failed: boolean) => void;
}

export const createBuildController = ({ builder, clock, parallel = 2, planner, daemonEnv = {}, onDecided }: BuildControllerParams): Controller => {
  /** project → services whose build runs. */
  const running = new Map<string, Set<string>>();
  /** "<project>@<generation>" whose delivery is being decided. */
  const deciding = new Set<string>();
  let stopped = false;

  /** Asks the planner for the project's last load, once per generation. */
  const decide = (project: ProjectState, dispatch: Dispatch): void => {
    const generation = project.loadedGeneration;
    if (planner === undefined || generation === undefined || project.status === "stopping" || (project.delivery?.generation ?? 0) >= generation) return;
    const key = `${project.name}@${generation}`;
    if (deciding.has(key)) return;
    deciding.add(key);
    const settings = projectDeliverySettings(project, daemonEnv);
    void planner
      .plan(projectTarget(project), settings)
      .then(
        ({ decision, note }) => (decision.ok ? { generation, delivery: decision.delivery, ...(note === undefined ? {} : { note }) } : { generation, error: decision.message, ...(note === undefined ? {} : { note }) }),
        (error: unknown) => ({ generation, error: `cannot decide how images reach the cluster: ${error instanceof Error ? error.message : String(error)}` }),
      )
      .then((decided) => {
        deciding.delete(key);
        if (stopped) return;
        const delivery = { ...decided, artifacts: projectArtifacts("delivery" in decided ? decided.delivery : undefined, daemonEnv) };
        const line = deliveryLine(delivery);
        // Said once per change of decision, not on every reload.
        const before = project.delivery === undefined ? undefined : deliveryLine({ ...project.delivery, generation });
        if (before !== line) {
          if (onDecided !== undefined) onDecided(project.name, line, "error" in decided);
          else dispatch({ type: "log", source: "build", level: "error" in decided ? "error" : "info", line, project: project.name, at: clock.now() });
        }
        dispatch({ type: "deliveryDecided", project: project.name, delivery });
      });
  };

  return {
    name: "build",
    onChange(state: EngineState, dispatch: Dispatch) {
      if (stopped) return;
      for (const project of Object.values(state.projects)) {
        const loaded = project.loaded;
        if (!loaded) continue;
        const mine = running.get(project.name) ?? new Set<string>();
        running.set(project.name, mine);
        decide(project, dispatch);
        const decided = project.delivery;
        for (const service of buildsToStart(project)) {
          if (mine.size >= parallel) break;
          const request = loaded.buildRequests?.[service];
          const build = project.builds?.[service];
          if (mine.has(service) || request === undefined || build === undefined) continue;
          // The load's delivery first (an older load's decision does not do for a newer load).
          if (planner !== undefined && (decided === undefined || decided.generation < build.wanted)) continue;
          if (decided?.error !== undefined) {
            dispatch({ type: "buildStarted", project: project.name, service, generation: build.wanted, at: clock.now() });
            dispatch({ type: "buildFinished", project: project.name, service, generation: build.wanted, ms: 0, error: decided.error, tail: [], at: clock.now() });
            continue;
          }
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
            .build(request, onLine, onProgress, project.request.options.environment, {
              ...(project.request.options.noBuild === true ? { noBuild: true } : {}),
              ...(decided?.delivery === undefined ? {} : { delivery: decided.delivery }),
            })
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
