/**
 * Port-forwards for published ports ("8080:80" → 127.0.0.1:8080 → a ready pod of the service, port 80). The pod is
 * chosen per connection from the latest state, so a new pod after a restart or rollout is used at once.
 * A port without a host port ("80", published 0) listens on a free local port, as Docker publishes one: the
 * listener reports the port it got, and the forward (state, `devloop status`, dashboard) shows it. It keeps that
 * port across reloads while the forward is wanted, and across a daemon restart when that port is still free (the port
 * is kept in the project's persisted state: ProjectState.ephemeralPorts). A taken port is reported on the service, not
 * fatal.
 */
import type { Duplex } from "node:stream";
import type { ClusterClient } from "../../ports/cluster.js";
import type { Clock } from "../../clock/clock.js";
import type { Listening, PortListener } from "../../ports/port-listener.js";
import type { Dispatch } from "../actions.js";
import { runsService } from "../service-pods.js";
import type { EngineState } from "../state.js";
import { portForwardKey } from "../state.js";
import type { Controller } from "./controller.js";

export interface PortForwardControllerParams {
  readonly cluster: ClusterClient;
  readonly listener: PortListener;
  readonly clock: Clock;
}

/**
 * The pod a new connection goes to: a ready one, else a running one, else one whose app container is about to start
 * because devloop has just put its bind-mounted tree in and made its ready file (engine/live/bind-fill.ts: the bind
 * trace's exec step). That last one is still Pending to the watch for a second or two (the kubelet notices the init
 * container's end on its next relist, starts the app, and reports it on the relist after); the kubelet forwards to a
 * pod's network as soon as the pod exists, so its connections reach the app the moment it listens (before that they
 * are refused, as Docker's published port refuses them while the process starts).
 */
export const pickPod = (state: EngineState, project: string, service: string): string | undefined => {
  const p = state.projects[project];
  const pods = Object.values(p?.objects ?? {}).filter((o) => o.kind === "Pod" && o.pod && !o.pod.deleting && runsService(o.labels, service));
  const running = pods.filter((o) => o.pod?.phase === "Running");
  const bound = (name: string): boolean => (p?.traces ?? []).some((t) => t.action === "bind" && t.pods.includes(name) && t.steps.some((s) => s.step === "exec"));
  return (running.find((o) => o.pod?.ready) ?? running[0] ?? pods.find((o) => o.pod?.phase === "Pending" && bound(o.name)))?.name;
};

interface Forward {
  readonly project: string;
  readonly service: string;
  readonly target: number;
  /** The port asked for (0 = a free one). */
  readonly local: number;
  readonly ephemeral: boolean;
  listening?: Listening;
  failed?: boolean;
  /** Where its connections went (the cluster may keep a stream opened ahead there until the forward closes). */
  namespace?: string;
}

export const createPortForwardController = ({ cluster, listener, clock }: PortForwardControllerParams): Controller => {
  let latest: EngineState | undefined;
  const open = new Map<string, Forward>();

  const connect = (entry: Forward, socket: Duplex, dispatch: Dispatch): void => {
    const { project, service, target } = entry;
    const state = latest;
    const namespace = state?.projects[project]?.loaded?.namespace;
    const pod = state && namespace ? pickPod(state, project, service) : undefined;
    if (!pod || !namespace) {
      socket.destroy();
      return;
    }
    entry.namespace = namespace;
    socket.on("error", () => socket.destroy());
    cluster.portForward({ namespace, pod, remotePort: target }, socket).catch((error: unknown) => {
      socket.destroy();
      dispatch({ type: "log", source: "port-forward", level: "warn", line: error instanceof Error ? error.message : String(error), project, service, at: clock.now() });
    });
  };

  const release = (f: Forward): void => {
    if (f.namespace !== undefined) cluster.dropSpareForwards(f.namespace, f.target);
  };

  return {
    name: "port-forward",
    onChange(state: EngineState, dispatch: Dispatch) {
      latest = state;
      const wanted = new Map<string, { project: string; service: string; local: number; target: number; host: string; ephemeral: boolean; remembered?: number }>();
      for (const p of Object.values(state.projects)) {
        if (!p.loaded || p.status === "stopping") continue;
        for (const port of p.loaded.ports) {
          const host = port.hostIp && port.hostIp !== "0.0.0.0" ? port.hostIp : "127.0.0.1";
          const ephemeral = port.published === 0;
          // An ephemeral forward is known by what it forwards to (its local port is picked when it listens).
          const key = ephemeral ? `${p.name}/${host}/${port.service}/0:${port.target}` : `${p.name}/${port.published}`;
          const remembered = ephemeral ? p.ephemeralPorts?.[portForwardKey({ service: port.service, local: 0, remote: port.target, ephemeral })] : undefined;
          wanted.set(key, { project: p.name, service: port.service, local: port.published, target: port.target, host, ephemeral, ...(remembered === undefined ? {} : { remembered }) });
        }
      }
      for (const [key, f] of open) {
        const w = wanted.get(key);
        if (!w || w.service !== f.service || w.target !== f.target) {
          void f.listening?.stop();
          open.delete(key);
          release(f);
          // Off the public view (a new forward on the same port reports itself below, after this).
          if (state.projects[f.project] !== undefined) {
            dispatch({ type: "portForwardClosed", project: f.project, service: f.service, local: f.listening?.port ?? f.local, remote: f.target, ...(f.ephemeral ? { ephemeral: true } : {}) });
          }
        }
      }
      for (const [key, w] of wanted) {
        if (open.has(key)) continue;
        const entry: Forward = { project: w.project, service: w.service, target: w.target, local: w.local, ephemeral: w.ephemeral };
        open.set(key, entry);
        const forward = { type: "portForwardChanged" as const, project: w.project, service: w.service, remote: w.target, ...(w.ephemeral ? { ephemeral: true } : {}) };
        dispatch({ ...forward, local: w.local, status: "pending" });
        const listen = (port: number): Promise<Listening> => listener.listen({ host: w.host, port, onConnection: (socket) => connect(entry, socket, dispatch) });
        // An ephemeral forward first asks for the port it had (a restarted daemon), then for any free one.
        (w.remembered !== undefined ? listen(w.remembered).catch(() => listen(0)) : listen(w.local))
          .then((listening) => {
            if (open.get(key) !== entry) {
              void listening.stop();
              return;
            }
            entry.listening = listening;
            dispatch({ ...forward, local: listening.port, status: "active" });
          })
          .catch((error: unknown) => {
            entry.failed = true;
            const message = error instanceof Error ? error.message : String(error);
            dispatch({ ...forward, local: w.local, status: "failed", message });
            dispatch({ type: "log", source: "port-forward", level: "warn", line: `port-forward ${w.service} ${w.ephemeral ? "(free port)" : w.local}:${w.target}: ${message}`, project: w.project, service: w.service, at: clock.now() });
          });
      }
    },
    async stop() {
      for (const f of open.values()) release(f);
      await Promise.allSettled([...open.values()].map(async (f) => f.listening?.stop()));
      open.clear();
    },
  };
};
