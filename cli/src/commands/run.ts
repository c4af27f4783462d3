/**
 * devloop run [-T] [-e K=V] [-u UID] [-w DIR] [--entrypoint CMD] SERVICE [CMD…]: a one-off pod with the service's
 * image, environment, volumes and network in the project's namespace, attached (a TTY when stdin is one) or its
 * log followed, then deleted — `docker compose run --rm`. The project must be up (its network, volumes and
 * dependencies live in its namespace). Exits with the command's exit code.
 */
import { asApplied } from "../as-applied.js";
import { daemonProject, serviceOf } from "../daemon-project.js";
import { oneOffPod, splitShellWords } from "../one-off-pod.js";
import { printDiagnostics, renderProject } from "../render-project.js";
import type { ComposeFlags } from "../compose-options.js";
import { ExitCode } from "../output.js";
import { cliErrorOf } from "../cluster-failure.js";
import { UserError } from "../user-error.js";
import { loadTerminal, parseEnvFlags } from "./exec.js";

export interface RunFlags extends ComposeFlags {
  readonly tty?: boolean;
  readonly env?: string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly entrypoint?: string;
  readonly timeout?: string;
  readonly context?: string;
}

export const runOneOffCommand = async (service: string, command: string[], flags: RunFlags): Promise<number> => {
  const startTimeoutMs = Number(flags.timeout ?? "300") * 1000;
  if (!Number.isFinite(startTimeoutMs) || startTimeoutMs <= 0) throw new UserError(`--timeout expects seconds; got "${flags.timeout ?? ""}"`);
  const { project: running } = await daemonProject(flags);
  serviceOf(running, service);
  const namespace = running.namespace;
  if (namespace === undefined) throw new UserError(`project ${running.name} has no namespace yet; wait for devloop up`);
  const rendered = await renderProject([service], { ...flags, projectName: running.name, namespace });
  if (!rendered.ok) {
    printDiagnostics(rendered.diagnostics);
    return ExitCode.userError;
  }
  const builds = Object.fromEntries(running.services.flatMap((s) => (s.build === undefined ? [] : [[s.name, s.build] as const])));
  // The run pod keeps devloop-bind (its command replaces the one that would wait for the fill; one-off-pod.ts).
  const applied = asApplied({ project: rendered.project, namespace, manifests: rendered.manifests, isolation: true, builds, bindWait: false });
  if (applied.notes.some((n) => n.startsWith(`${service}:`))) throw new UserError(`${service}'s image is not built yet; wait for devloop up to build it (devloop status shows the build)`);
  const spec = rendered.project.services[service];
  const tty = flags.tty !== false && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const { pod, container } = oneOffPod({
    manifests: applied.manifests,
    project: running.name,
    service,
    namespace,
    command,
    ...(spec?.command === undefined ? {} : { composeCommand: spec.command }),
    ...(spec?.entrypoint === undefined ? {} : { composeEntrypoint: spec.entrypoint }),
    ...(flags.entrypoint === undefined ? {} : { entrypoint: splitShellWords(flags.entrypoint) }),
    env: parseEnvFlags(flags.env ?? [], process.env),
    ...(flags.user === undefined ? {} : { user: flags.user }),
    ...(flags.workdir === undefined ? {} : { workdir: flags.workdir }),
    tty,
    suffix: Math.random().toString(36).slice(2, 7),
  });
  const terminal = await loadTerminal(flags.context ?? running.context);
  const onStatus = (line: string): void => { process.stderr.write(`devloop: ${line}\n`); };
  // A service with directory binds: the pod waits in devloop-bind until the daemon's live loop has put the tree there
  // (it sees the pod by its labels, one-off-pod.ts), which then syncs edits into it and brings back what it writes.
  if ((rendered.live[service]?.binds ?? []).length > 0) {
    onStatus(`${pod.metadata.name}: the daemon puts ${service}'s bind-mounted source in place, then keeps it in sync while the command runs`);
    if (flags.context !== undefined && running.context !== undefined && flags.context !== running.context) onStatus(`the daemon watches ${running.name} under context ${running.context}, not ${flags.context}: in another cluster the pod waits in devloop-bind until --timeout`);
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await terminal.runPod({ pod, container, tty, startTimeoutMs, signal: controller.signal, onStatus, stdin: tty ? process.stdin : null, stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    throw cliErrorOf(error);
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
};
