/**
 * devloop exec [-T] [-u USER] [-w DIR] [-e K=V…] SERVICE COMMAND…: run a command in a running container of the
 * service, like `docker compose exec` (kubectl exec underneath). A TTY when stdin is a terminal (-T turns it off);
 * piped stdin is read whole and sent framed (Kubernetes before 1.30 cannot pass its end over WebSocket), so the
 * command gets exactly those bytes and EOF. Exits with the command's exit code.
 */
import { sidecarContainer } from "../../../daemon/src/engine/service-pods.js";
import type { PodTerminal } from "../../../daemon/src/ports/pod-terminal.js";
import { toDnsLabel } from "../../../daemon/src/translate/names.js";
import { daemonProject, serviceOf, type ProjectFlags } from "../daemon-project.js";
import { cliErrorOf } from "../cluster-failure.js";
import { kubePodTerminal } from "../local-adapters.js";
import { UserError } from "../user-error.js";

export interface ExecFlags extends ProjectFlags {
  /** commander's -T / --no-tty. */
  readonly tty?: boolean;
  readonly user?: string;
  readonly workdir?: string;
  readonly env?: string[];
  readonly index?: string;
  readonly context?: string;
}

/** Single-quotes for sh. */
export const shellQuote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`);

/** KEY=VALUE, or KEY alone (its value from the local environment, as Compose does). */
export const parseEnvFlags = (values: readonly string[], environment: Readonly<Record<string, string | undefined>>): string[] =>
  values.flatMap((v) => {
    const eq = v.indexOf("=");
    if (eq === 0) throw new UserError(`-e expects KEY=VALUE; got "${v}"`);
    if (eq > 0) return [v];
    const value = environment[v];
    return value === undefined ? [] : [`${v}=${value}`];
  });

/**
 * The command as the container runs it: -e through env(1), -w through sh's cd, -u through su (Kubernetes exec has
 * no user or working directory of its own), and piped stdin read to exactly its length (`head -c N`).
 */
export const wrapCommand = (command: readonly string[], options: { readonly env?: readonly string[]; readonly workdir?: string; readonly user?: string; readonly stdinLength?: number }): string[] => {
  let cmd = [...command];
  if (options.env !== undefined && options.env.length > 0) cmd = ["env", ...options.env, ...cmd];
  if (options.stdinLength !== undefined) cmd = ["sh", "-c", `head -c ${options.stdinLength} | "$@"`, "sh", ...cmd];
  if (options.workdir !== undefined) cmd = ["sh", "-c", 'cd "$1" && shift && exec "$@"', "sh", options.workdir, ...cmd];
  if (options.user !== undefined) cmd = ["su", "-s", "/bin/sh", options.user, "-c", cmd.map(shellQuote).join(" ")];
  return cmd;
};

/** The service's container in its pod: a sidecar's own, else the one named after the service, else the first. */
export const containerFor = (service: string, pod: { readonly labels: Readonly<Record<string, string>>; readonly containers: readonly string[] }): string => {
  const sidecar = sidecarContainer(pod.labels, service);
  if (sidecar !== undefined) return sidecar;
  const named = pod.containers.find((c) => c === service || c === toDnsLabel(service));
  const chosen = named ?? pod.containers[0];
  if (chosen === undefined) throw new UserError(`the pod of ${service} has no containers`);
  return chosen;
};

const readAll = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
};

export const loadTerminal = async (context: string | undefined): Promise<PodTerminal> => {
  try {
    return await kubePodTerminal(context);
  } catch (error) {
    throw cliErrorOf(error);
  }
};

export const execCommand = async (service: string, command: string[], flags: ExecFlags): Promise<number> => {
  const { project } = await daemonProject(flags);
  const svc = serviceOf(project, service);
  const index = Number(flags.index ?? "1");
  if (!Number.isInteger(index) || index < 1) throw new UserError(`--index expects a number from 1; got "${flags.index ?? ""}"`);
  const pod = [...svc.pods].sort()[index - 1];
  if (pod === undefined) throw new UserError(svc.pods.length === 0 ? `${service} has no running pod (it is ${svc.phase}); devloop status shows why` : `${service} has ${svc.pods.length} pod(s); --index ${index} is past the last`);
  const namespace = project.namespace;
  if (namespace === undefined) throw new UserError(`project ${project.name} has no namespace yet; wait for devloop up`);
  // The context the project's up was made with, unless --context names another (as kubectl --context).
  const terminal = await loadTerminal(flags.context ?? project.context);
  const container = containerFor(service, await terminal.podContainers(namespace, pod));
  const tty = flags.tty !== false && process.stdin.isTTY === true && process.stdout.isTTY === true;
  // Piped stdin (not a terminal): read it whole, then send it framed; a terminal with -T gets no stdin.
  const piped = !tty && process.stdin.isTTY !== true ? await readAll(process.stdin) : undefined;
  const stdinBytes = piped !== undefined && piped.length > 0 ? piped : undefined;
  const env = parseEnvFlags(flags.env ?? [], process.env);
  const full = wrapCommand(command, { env, ...(flags.workdir === undefined ? {} : { workdir: flags.workdir }), ...(flags.user === undefined ? {} : { user: flags.user }), ...(stdinBytes === undefined ? {} : { stdinLength: stdinBytes.length }) });
  try {
    return await terminal.exec({ namespace, pod, container, command: full, tty, stdin: tty ? process.stdin : null, stdout: process.stdout, stderr: process.stderr, ...(stdinBytes === undefined ? {} : { stdinBytes }) });
  } catch (error) {
    throw cliErrorOf(error);
  }
};
