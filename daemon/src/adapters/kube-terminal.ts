/**
 * PodTerminal over client-node: exec (WebSocket, a TTY when asked, resized with the user's terminal) and one-off
 * pods (create, wait, attach or follow the log, read the exit code, delete). Kubernetes before 1.30 cannot
 * half-close stdin over WebSocket, so a non-TTY exec gets no live stdin: the caller sends piped input framed
 * (commands/exec.ts), as kube-exec.ts does.
 */
import { PassThrough, type Readable, type Writable } from "node:stream";
import { Attach, CoreV1Api, Exec, Log, type KubeConfig, type V1Pod, type V1Status } from "@kubernetes/client-node";
import { ClusterError, type PodTerminal } from "../ports/pod-terminal.js";
import { describeConnectError, exitCodeOf } from "./kube-exec.js";
import { rewordKubeError } from "./kube-errors.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** How long a run's pod may take, once its command ended, for its other containers to end (the daemon's last pull). */
const othersEndMs = 30_000;
/** The daemon's look at a run pod's binds, every 2 s (engine/live/pull-back.ts): what a missed last look can lose. */
const pullIntervalSeconds = 2;

interface Socket {
  readonly readyState: number;
  once(event: "close", listener: () => void): unknown;
  close(): void;
}

/** process.stdin in raw mode while a TTY session runs, restored after. */
interface MaybeTty {
  readonly isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}
const rawMode = (stdin: NodeJS.ReadableStream | null, on: boolean): void => {
  const tty: MaybeTty | null = stdin as unknown as MaybeTty | null;
  if (tty?.isTTY === true && typeof tty.setRawMode === "function") tty.setRawMode(on);
};

/** What a pod's container did: still waiting (and why), running, or its exit. */
const containerState = (pod: V1Pod, container: string): { state: "waiting" | "running" | "terminated"; reason?: string; message?: string; exitCode?: number } => {
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  if (status?.state?.terminated) return { state: "terminated", exitCode: status.state.terminated.exitCode, reason: status.state.terminated.reason ?? "", message: status.state.terminated.message ?? "" };
  if (status?.state?.running) return { state: "running" };
  const waiting = status?.state?.waiting ?? pod.status?.initContainerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
  const unschedulable = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  return { state: "waiting", reason: waiting?.reason ?? unschedulable?.reason ?? pod.status?.phase ?? "Pending", message: waiting?.message ?? unschedulable?.message ?? "" };
};

/** Waiting reasons that will not resolve by themselves. */
const stuck = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

export const createKubeTerminal = (kc: KubeConfig): PodTerminal => {
  const core = kc.makeApiClient(CoreV1Api);
  const server = kc.getCurrentCluster()?.server;

  const readPod = async (namespace: string, name: string): Promise<V1Pod> => {
    try {
      return await core.readNamespacedPod({ name, namespace });
    } catch (error) {
      throw rewordKubeError(`read pod ${name} in namespace ${namespace}`, error, server);
    }
  };

  /**
   * The pod's other containers end before it is deleted, for at most othersEndMs: devloop-run-binds ends once the
   * daemon has brought back what the command wrote into its binds (translate/bind-mounts.ts).
   */
  const othersEnded = async (namespace: string, name: string, first: V1Pod, container: string, signal: AbortSignal | undefined, onStatus: ((line: string) => void) | undefined): Promise<void> => {
    const others = (first.spec?.containers ?? []).map((c) => c.name).filter((c) => c !== container);
    const deadline = Date.now() + othersEndMs;
    let pod = first;
    let said = false;
    while (others.some((c) => containerState(pod, c).state !== "terminated") && Date.now() < deadline && signal?.aborted !== true) {
      if (!said && Date.now() > deadline - othersEndMs + 1_000) {
        said = true;
        onStatus?.(`waiting for ${others.join(", ")} in ${name} to end (devloop brings back what the command wrote)`);
      }
      await sleep(200);
      pod = await readPod(namespace, name);
    }
    const left = others.filter((c) => containerState(pod, c).state !== "terminated");
    if (left.length > 0 && signal?.aborted !== true) {
      onStatus?.(`${left.join(", ")} in ${name} did not end within ${othersEndMs / 1000} s: the daemon did not bring back what the command wrote in its last ${pullIntervalSeconds} s or so (is it running? devloop status); the pod is deleted`);
    }
  };

  return {
    async podContainers(namespace, name) {
      const pod = await readPod(namespace, name);
      return { labels: pod.metadata?.labels ?? {}, containers: (pod.spec?.containers ?? []).map((c) => c.name) };
    },

    async exec({ namespace, pod, container, command, tty, stdinBytes, stdin: userStdin, stdout, stderr }) {
      let stdin = userStdin;
      if (stdinBytes !== undefined) {
        // Queued before connecting and never ended: client-node would close the socket on end and lose the exit status.
        const framed = new PassThrough();
        framed.write(Buffer.from(stdinBytes));
        stdin = framed;
      }
      const where = `exec in pod ${namespace}/${pod} (container ${container})`;
      let status: V1Status | undefined;
      let resolveStatus: (s: V1Status) => void = () => undefined;
      const statusArrived = new Promise<V1Status>((r) => (resolveStatus = r));
      rawMode(stdin, tty);
      try {
        let socket: Socket;
        try {
          const raw: unknown = await new Exec(kc).exec(namespace, pod, container, [...command], stdout as Writable, tty ? null : (stderr as Writable), stdin as Readable | null, tty, (s) => {
            status = s;
            resolveStatus(s);
          });
          socket = raw as Socket;
        } catch (error) {
          throw new ClusterError(describeConnectError(where, error).message, false);
        }
        const closed = new Promise<void>((r) => socket.once("close", () => r()));
        await Promise.race([statusArrived, closed]);
        const final = status ?? (await Promise.race([statusArrived, sleep(50).then(() => undefined)]));
        if (socket.readyState <= 1) socket.close();
        if (final === undefined) throw new ClusterError(`${where}: the connection closed before the command reported its exit status`, true);
        const code = exitCodeOf(final);
        if (code === undefined) throw new ClusterError(`${where}: the command could not run: ${final.message ?? final.reason ?? "unknown failure"}`, false);
        return code;
      } finally {
        rawMode(stdin, false);
      }
    },

    async runPod({ pod, container, tty, startTimeoutMs, signal, onStatus, stdin, stdout, stderr }) {
      const namespace = pod.metadata.namespace ?? "default";
      const name = pod.metadata.name;
      try {
        await core.createNamespacedPod({ namespace, body: pod });
      } catch (error) {
        throw rewordKubeError(`create pod ${name} in namespace ${namespace}`, error, server);
      }
      let removing = false;
      const remove = async (): Promise<void> => {
        removing = true;
        await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
      };
      // Deleted by someone else (devloop down deletes the project's pods, a user's kubectl): said, not waited out.
      const goneMessage = `pod ${name} was deleted while its command ran (devloop down, or another client); the command was stopped`;
      const deletedElsewhere = async (): Promise<boolean> => {
        if (removing) return false;
        try {
          return (await core.readNamespacedPod({ name, namespace })).metadata?.deletionTimestamp != null;
        } catch (error) {
          return (error as { code?: number }).code === 404;
        }
      };
      const onAbort = (): void => void remove();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        // Wait for the container to run (or to have run already: a quick command may be done before we look).
        const deadline = Date.now() + startTimeoutMs;
        let said = "";
        for (;;) {
          if (signal?.aborted) throw new ClusterError(`run interrupted; pod ${name} deleted`, false);
          const state = containerState(await readPod(namespace, name), container);
          if (state.state !== "waiting") break;
          const line = `${state.reason ?? ""}${state.message ? `: ${state.message}` : ""}`;
          if (line !== said && state.reason !== "Pending" && state.reason !== "ContainerCreating" && state.reason !== "PodInitializing") onStatus?.(`pod ${name}: ${line}`);
          said = line;
          if (stuck.has(state.reason ?? "")) throw new ClusterError(`pod ${name} cannot start: ${line}`, false);
          if (Date.now() > deadline) throw new ClusterError(`pod ${name} did not start within ${Math.round(startTimeoutMs / 1000)}s (${line || "pending"})`, false);
          await sleep(250);
        }
        if (tty) {
          rawMode(stdin, true);
          try {
            const socket = (await new Attach(kc).attach(namespace, name, container, stdout, null, stdin, true)) as unknown as Socket;
            await new Promise<void>((r) => socket.once("close", () => r()));
          } catch (error) {
            throw new ClusterError(describeConnectError(`attach to pod ${namespace}/${name}`, error).message, false);
          } finally {
            rawMode(stdin, false);
          }
        } else {
          // The log from its first line, to its end (the container's end).
          const out = new PassThrough();
          out.pipe(stdout, { end: false });
          const ended = new Promise<void>((r) => out.once("end", () => r()));
          try {
            await new Log(kc).log(namespace, name, container, out, { follow: true });
          } catch (error) {
            throw rewordKubeError(`logs of pod ${name} in namespace ${namespace}`, error, server);
          }
          // The log ends when the container does, which a deleted pod's may take its grace period to do.
          let watching = true;
          const deleted = (async (): Promise<boolean> => {
            while (watching) {
              await sleep(1_000);
              if (watching && (await deletedElsewhere())) return true;
            }
            return false;
          })();
          const gone = await Promise.race([ended.then(() => false), deleted, new Promise<boolean>((r) => signal?.addEventListener("abort", () => r(false), { once: true }))]);
          watching = false;
          if (gone) throw new ClusterError(goneMessage, false);
        }
        // The exit code: the container may take a moment to be reported terminated after its output ends.
        for (let i = 0; ; i += 1) {
          if (await deletedElsewhere()) throw new ClusterError(goneMessage, false);
          const seen = await readPod(namespace, name);
          const state = containerState(seen, container);
          if (state.state === "terminated") {
            if (state.reason === "OOMKilled") stderr.write(`devloop: ${name} was OOMKilled\n`);
            await othersEnded(namespace, name, seen, container, signal, onStatus);
            return state.exitCode ?? 1;
          }
          if (signal?.aborted) throw new ClusterError(`run interrupted; pod ${name} deleted`, false);
          if (i > 600) throw new ClusterError(`pod ${name}: its output ended but it has not exited`, false);
          await sleep(200);
        }
      } finally {
        signal?.removeEventListener("abort", onAbort);
        await remove();
      }
    },
  };
};
