/**
 * Port-forwards for published ports ("8080:80" → 127.0.0.1:8080 → a ready pod of the service, port 80). The pod is
 * chosen per connection from the latest state, so a new pod after a restart or rollout is used at once.
 * A taken port is reported on the service, not fatal.
 */
import type { Duplex } from "node:stream";
import type { ClusterClient, Stoppable } from "../../ports/cluster.js";
import type { Clock } from "../../ports/clock.js";
import type { PortListener } from "../../ports/port-listener.js";
import type { Dispatch } from "../actions.js";
import { runsService } from "../service-pods.js";
import type { EngineState } from "../state.js";
import type { Controller } from "./controller.js";

export interface PortForwardControllerParams {
  readonly cluster: ClusterClient;
  readonly listener: PortListener;
  readonly clock: Clock;
}

export const pickPod = (state: EngineState, project: string, service: string): string | undefined => {
  const p = state.projects[project];
  const pods = Object.values(p?.objects ?? {}).filter((o) => o.kind === "Pod" && o.pod && !o.pod.deleting && o.pod.phase === "Running" && runsService(o.labels, service));
  return (pods.find((o) => o.pod?.ready) ?? pods[0])?.name;
};

export const createPortForwardController = ({ cluster, listener, clock }: PortForwardControllerParams): Controller => {
  let latest: EngineState | undefined;
  const open = new Map<string, { service: string; target: number; listening?: Stoppable; failed?: boolean }>();

  const connect = (project: string, service: string, target: number, socket: Duplex, dispatch: Dispatch): void => {
    const state = latest;
    const namespace = state?.projects[project]?.loaded?.namespace;
    const pod = state && namespace ? pickPod(state, project, service) : undefined;
    if (!pod || !namespace) {
      socket.destroy();
      return;
    }
    socket.on("error", () => socket.destroy());
    cluster.portForward({ namespace, pod, remotePort: target }, socket).catch((error: unknown) => {
      socket.destroy();
      dispatch({ type: "log", source: "port-forward", level: "warn", line: error instanceof Error ? error.message : String(error), project, service, at: clock.now() });
    });
  };

  return {
    name: "port-forward",
    onChange(state: EngineState, dispatch: Dispatch) {
      latest = state;
      const wanted = new Map<string, { project: string; service: string; local: number; target: number; host: string }>();
      for (const p of Object.values(state.projects)) {
        if (!p.loaded || p.status === "stopping") continue;
        for (const port of p.loaded.ports) {
          wanted.set(`${p.name}/${port.published}`, { project: p.name, service: port.service, local: port.published, target: port.target, host: port.hostIp && port.hostIp !== "0.0.0.0" ? port.hostIp : "127.0.0.1" });
        }
      }
      for (const [key, f] of open) {
        const w = wanted.get(key);
        if (!w || w.service !== f.service || w.target !== f.target) {
          void f.listening?.stop();
          open.delete(key);
        }
      }
      for (const [key, w] of wanted) {
        if (open.has(key)) continue;
        const entry: { service: string; target: number; listening?: Stoppable; failed?: boolean } = { service: w.service, target: w.target };
        open.set(key, entry);
        dispatch({ type: "portForwardChanged", project: w.project, service: w.service, local: w.local, remote: w.target, status: "pending" });
        listener
          .listen({ host: w.host, port: w.local, onConnection: (socket) => connect(w.project, w.service, w.target, socket, dispatch) })
          .then((listening) => {
            if (open.get(key) !== entry) {
              void listening.stop();
              return;
            }
            entry.listening = listening;
            dispatch({ type: "portForwardChanged", project: w.project, service: w.service, local: w.local, remote: w.target, status: "active" });
          })
          .catch((error: unknown) => {
            entry.failed = true;
            const message = error instanceof Error ? error.message : String(error);
            dispatch({ type: "portForwardChanged", project: w.project, service: w.service, local: w.local, remote: w.target, status: "failed", message });
            dispatch({ type: "log", source: "port-forward", level: "warn", line: `port-forward ${w.service} ${w.local}:${w.target}: ${message}`, project: w.project, service: w.service, at: clock.now() });
          });
      }
    },
    async stop() {
      await Promise.allSettled([...open.values()].map(async (f) => f.listening?.stop()));
      open.clear();
    },
  };
};
