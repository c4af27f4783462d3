/**
 * Restarts and commands in the service's containers: the supervisor's restart (or new pods when there is none), a
 * sync+exec rule's command, and a restart request (`devloop restart`, the dashboard's button).
 */
import type { ArmedCommand } from "../../ports/container-exec.js";
import { restartProcessCommand } from "../../supervisor/supervisor.js";
import type { LiveRule, ServiceLive } from "../../translate/types.js";
import { serviceSelector } from "../labels.js";
import type { ProjectState, TraceStep } from "../state.js";
import type { LiveDeps, Loop, Job } from "./loop.js";
import { firstLine, errorText, joinErrors, podTarget } from "./loop.js";
import { runningPods, podOwner } from "./live-pods.js";
import { log, finishTrace, timed } from "./live-trace.js";

/**
 * A restart without a supervisor: the service's pods are deleted and its workload makes new ones. A sidecar's pods
 * are its host's (engine/service-pods.ts): those are deleted, restarting the host's containers with it.
 */
export const replacePods = async (deps: LiveDeps, namespace: string, project: ProjectState, service: string): Promise<string | undefined> => {
  try {
    await deps.cluster.deleteByLabel(namespace, serviceSelector(project.name, podOwner(project, service)), ["Pod"]);
    return undefined;
  } catch (error) {
    return `restart ${service}: ${errorText(error)}`;
  }
};

/**
 * Runs `command` in the service's container in each pod (fires the pod's armed command when there is one); `label`
 * names it in problems (and its output lines, when logged).
 */
export const execEach = async (deps: LiveDeps, loop: Loop, live: ServiceLive, pods: readonly string[], command: readonly string[], timeoutMs: number, label: string, logOutput: boolean, armed?: ReadonlyMap<string, ArmedCommand>) => {
  const problems: string[] = [];
  const exitCodes: number[] = [];
  await Promise.all(pods.map(async (pod) => {
    try {
      const r = await (armed?.get(pod)?.fire() ?? deps.exec(podTarget(loop, live, pod), command, { timeoutMs }));
      exitCodes.push(r.exitCode);
      if (logOutput) for (const line of `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.trim() !== "").slice(-20)) log(deps, loop, live.service, "info", `${label}: ${line}`);
      if (r.exitCode !== 0) problems.push(`${label} in ${pod}: exit ${r.exitCode}${r.stderr.trim() ? `: ${firstLine(r.stderr)}` : ""}`);
    } catch (error) {
      problems.push(`${label} in ${pod}: ${errorText(error)}`);
    }
  }));
  return { problems, exitCodes };
};

export const restartTimeoutMs = 30_000;

/** Restarts the service's process in each pod (with its armed restart, if any); replaces the pods when there is no supervisor. */
export const restart = async (deps: LiveDeps, loop: Loop, live: ServiceLive | undefined, service: string, pods: readonly string[], armed?: ReadonlyMap<string, ArmedCommand>): Promise<string | undefined> => {
  // No supervisor (an image-only service without entrypoint, or a service whose rules never restart): new pods.
  if (live?.restart !== "process") return replacePods(deps, loop.namespace, loop.project, service);
  const { problems, exitCodes } = await execEach(deps, loop, live, pods, restartProcessCommand(), restartTimeoutMs, "restart", false, armed);
  // Exit 3: no supervisor in that container (a pod from before it was applied).
  const noSupervisor = exitCodes.includes(3);
  if (noSupervisor) log(deps, loop, service, "warn", `${service} runs without devloop's supervisor (a pod from before it was applied?): replacing its pods instead`);
  return joinErrors(...problems.filter((p) => !(noSupervisor && / exit 3(:|$)/.test(p))), noSupervisor ? await replacePods(deps, loop.namespace, loop.project, service) : undefined);
};

export const runExec = async (deps: LiveDeps, loop: Loop, live: ServiceLive, rule: LiveRule, pods: readonly string[]): Promise<string | undefined> => {
  const spec = rule.exec;
  if (spec === undefined) return undefined;
  const env = Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`);
  const command = ["/bin/sh", "-c", 'cd -- "$0" && exec env "$@"', spec.workingDir ?? ".", ...env, ...spec.command];
  return joinErrors(...(await execEach(deps, loop, live, pods, command, deps.execTimeoutMs ?? 300_000, spec.command.join(" "), true)).problems);
};

export const runRestart = async (deps: LiveDeps, loop: Loop, service: string, job: Extract<Job, { kind: "restart" }>): Promise<void> => {
  const live = loop.live[service];
  const started = deps.clock.now();
  const steps: TraceStep[] = [];
  const pods = live === undefined ? [] : runningPods(loop.project, live);
  const error = await timed(deps, steps, "restart", () => restart(deps, loop, live, service, pods));
  finishTrace(deps, loop, { service, trigger: "restart", action: "restart", pods, at: started }, started, steps, { files: [], refused: [], error });
  if (job.request !== undefined) deps.dispatch({ type: "liveRequestHandled", project: loop.name, id: job.request });
};
