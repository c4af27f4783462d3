/** The engine state as the API shows it (api/types.ts): derived, never stored. */
import type { PublicBuild, PublicDelivery, PublicFailure, PublicProject, PublicService } from "../api/types.js";
import { allSettled, serviceViews } from "./selectors.js";
import type { Crash } from "./selectors.js";
import type { BuildState, DeliveryState, FailureReport, ProjectState } from "./state.js";

/** Changes shown per project (the state keeps maxTraces). */
export const publicChanges = 20;

const toPublicBuild = (b: BuildState): PublicBuild => ({
  status: b.status,
  image: b.image,
  ...(b.ref === undefined ? {} : { ref: b.ref }),
  ...(b.skipped === undefined ? {} : { skipped: b.skipped }),
  ...(b.ms === undefined ? {} : { ms: b.ms }),
  ...(b.error === undefined ? {} : { error: b.error }),
  tail: b.tail,
  ...(b.command === undefined ? {} : { command: b.command }),
  ...(b.progress === undefined || b.status !== "building" ? {} : { progress: b.progress }),
});

const toPublicFailure = (crash: Crash, report: FailureReport | undefined): PublicFailure => {
  // The report of an earlier crash of the same pod still tells the story until this one's is read.
  const same = report !== undefined && report.pod === crash.pod;
  return {
    pod: crash.pod,
    container: crash.container,
    reason: crash.reason,
    ...(crash.waiting === undefined ? {} : { waiting: crash.waiting }),
    ...(crash.exitCode === undefined ? {} : { exitCode: crash.exitCode }),
    ...(crash.message === undefined ? {} : { message: crash.message }),
    restarts: crash.restarts,
    reported: report?.key === crash.key,
    logTail: same ? report.logTail : [],
    events: same ? report.events : [],
  };
};

const toPublicDelivery = ({ delivery, error, artifacts, note }: DeliveryState): PublicDelivery => ({
  ...(delivery === undefined ? {} : { strategy: delivery.strategy, reason: delivery.reason }),
  ...(delivery?.strategy === "registry" ? { registry: delivery.registry } : {}),
  ...(error === undefined ? {} : { error }),
  ...(artifacts === undefined ? {} : { artifacts: artifacts.strategy }),
  ...(note === undefined ? {} : { note }),
});

/** `views`: the project's service views when the caller has them already (the event differ shares them with its progress). */
export const toPublicProject = (project: ProjectState, views = serviceViews(project)): PublicProject => {
  const forwards = Object.values(project.portForwards);
  const services: PublicService[] = (project.loaded?.services ?? []).flatMap((name) => {
    const v = views[name];
    if (!v) return [];
    const build = project.builds?.[name];
    const findings = project.loaded?.findings?.[name];
    return [{
      name,
      ...(v.kind === undefined ? {} : { kind: v.kind }),
      phase: v.phase,
      ...(v.message === undefined ? {} : { message: v.message }),
      waitingFor: v.waitingFor,
      pods: v.pods,
      restarts: v.restarts,
      ports: forwards.filter((f) => f.service === name),
      ...(build === undefined ? {} : { build: toPublicBuild(build) }),
      ...(v.phase === "failed" && v.crash !== undefined ? { failure: toPublicFailure(v.crash, project.failures?.[name]) } : {}),
      ...(findings === undefined || findings.length === 0 ? {} : { findings: findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, file: f.file, line: f.line, fix: f.fix })) }),
    }];
  });
  const namespace = project.loaded?.namespace ?? project.request.namespace;
  return {
    name: project.name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(project.request.context === undefined ? {} : { context: project.request.context }),
    status: project.status,
    composeFiles: project.loaded?.composeFiles ?? [],
    diagnostics: project.diagnostics,
    warnings: project.loaded?.warnings ?? [],
    previousNamespaces: project.previousNamespaces,
    services,
    settled: allSettled(project),
    ...(project.status !== "stopping" && project.loadedGeneration !== project.generation ? { reloading: true } : {}),
    changes: (project.traces ?? []).slice(-publicChanges),
    ...(project.delivery === undefined ? {} : { delivery: toPublicDelivery(project.delivery) }),
  };
};
