/**
 * Port-forwards for published ports ("8080:80" → 127.0.0.1:8080 → a ready pod of the service, port 80). The pod is
 * chosen per connection from the latest state, so a new pod after a restart or rollout is used at once. A connection
 * made while the service's pod is still on its way (starting, or waiting for its bind-mounted tree) is held until the
 * pod is there, up to holdMs, instead of being refused: a browser tab opened right after `up` loads once the app runs.
 * A port without a host port ("80", published 0) listens on a free local port, as Docker publishes one: the
 * listener reports the port it got, and the forward (state, `devloop status`, dashboard) shows it. It keeps that
 * port across reloads while the forward is wanted, and across a daemon restart when that port is still free (the port
 * is kept in the project's persisted state: ProjectState.ephemeralPorts). A taken port is reported on the service, not
 * fatal.
 */
import type { Duplex } from "node:stream";
import type { ClusterClient } from "../../ports/cluster.js";
import type { Clock, Timer } from "../../clock/clock.js";
import type { Listening, PortListener } from "../../ports/port-listener.js";
import type { Dispatch } from "../actions.js";
import { bindContainerName } from "../../translate/bind-mounts.js";
import { runsService } from "../service-pods.js";
import type { EngineState } from "../state.js";
import { portForwardKey } from "../state.js";
import type { Controller } from "./controller.js";

export interface PortForwardControllerParams {
  readonly cluster: ClusterClient;
  readonly listener: PortListener;
  readonly clock: Clock;
}

type PodObject = EngineState["projects"][string]["objects"][string];

/** The app waits for its bind fill (engine/live/bind-fill.ts): in its devloop-bind init container, or in its own command. */
const waitsForFill = (o: PodObject): boolean => {
  const p = o.pod;
  return (p?.bindWaiting?.length ?? 0) > 0 || (p?.bindNext?.length ?? 0) > 0 || (p?.initRunning ?? []).includes(bindContainerName) || p?.initNext === bindContainerName;
};

/**
 * Where a new connection goes: `pod`, a pod of the service whose app runs or is about to; `wait`, none yet but one on
 * its way, so the connection is held until it is there; undefined, nothing to go to (refused, as Docker's published
 * port refuses while no container runs).
 *
 * The pod is a ready one, else a running one whose app is not waiting for its bind fill, else one whose tree devloop
 * has just put in and whose ready file it made (engine/live/bind-fill.ts: the bind trace's exec step): that one is
 * still Pending, or running but not started, to the watch for a second or two, and the kubelet forwards to a pod's
 * network as soon as the pod exists, so its connections reach the app the moment it listens. A pod that waits for its
 * fill is not picked: nothing listens there until the tree is in, and each connection tried would cost a stream
 * through the apiserver and the kubelet while the fill needs the same two cores (a client polling every 20 ms made a
 * first up's 200 MiB fill take 6 s instead of 2.7 s on the bed). Connections wait for it instead.
 */
export const forwardTarget = (state: EngineState, project: string, service: string): { readonly pod: string } | "wait" | undefined => {
  const p = state.projects[project];
  const pods = Object.values(p?.objects ?? {}).filter((o) => o.kind === "Pod" && o.pod && !o.pod.deleting && runsService(o.labels, service));
  const bound = (name: string): boolean => (p?.traces ?? []).some((t) => t.action === "bind" && t.pods.includes(name) && t.steps.some((s) => s.step === "exec"));
  const running = pods.filter((o) => o.pod?.phase === "Running");
  const picked = running.find((o) => o.pod?.ready) ?? running.find((o) => !waitsForFill(o) || bound(o.name)) ?? pods.find((o) => o.pod?.phase === "Pending" && bound(o.name));
  if (picked !== undefined) return { pod: picked.name };
  // On its way: scheduled or starting with nothing wrong said (not ImagePullBackOff, …), or waiting for its fill.
  const coming = (o: PodObject): boolean => (o.pod?.phase === "Pending" && o.pod.reason === undefined) || (o.pod?.phase === "Running" && waitsForFill(o));
  return pods.some(coming) ? "wait" : undefined;
};

/** How long a connection is held for a pod on its way, and how many are held per forward, before they are refused. */
export const holdMs = 60_000;
export const maxHeld = 128;

interface Held {
  readonly socket: Duplex;
  readonly timer: Timer;
}

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
  /** Connections that wait for a pod on its way (forwardTarget "wait"), oldest first. */
  readonly held: Held[];
}

export const createPortForwardController = ({ cluster, listener, clock }: PortForwardControllerParams): Controller => {
  let latest: EngineState | undefined;
  const open = new Map<string, Forward>();

  const forwardTo = (entry: Forward, namespace: string, pod: string, socket: Duplex, dispatch: Dispatch): void => {
    const { project, service, target } = entry;
    entry.namespace = namespace;
    cluster.portForward({ namespace, pod, remotePort: target }, socket).catch((error: unknown) => {
      socket.destroy();
      dispatch({ type: "log", source: "port-forward", level: "warn", line: error instanceof Error ? error.message : String(error), project, service, at: clock.now() });
    });
  };

  const unhold = (entry: Forward, held: Held): boolean => {
    const i = entry.held.indexOf(held);
    if (i < 0) return false;
    entry.held.splice(i, 1);
    held.timer.cancel();
    return true;
  };

  /** Each held connection goes where forwardTarget says now: to the pod, on waiting, or refused. */
  const release = (entry: Forward, dispatch: Dispatch): void => {
    if (entry.held.length === 0) return;
    const namespace = latest?.projects[entry.project]?.loaded?.namespace;
    const target = latest && namespace ? forwardTarget(latest, entry.project, entry.service) : undefined;
    if (target === "wait") return;
    for (const held of [...entry.held]) {
      unhold(entry, held);
      if (target === undefined || namespace === undefined) held.socket.destroy();
      else forwardTo(entry, namespace, target.pod, held.socket, dispatch);
    }
  };

  const connect = (entry: Forward, socket: Duplex, dispatch: Dispatch): void => {
    const state = latest;
    const namespace = state?.projects[entry.project]?.loaded?.namespace;
    const target = state && namespace ? forwardTarget(state, entry.project, entry.service) : undefined;
    socket.on("error", () => socket.destroy());
    if (target === undefined || namespace === undefined || (target === "wait" && entry.held.length >= maxHeld)) {
      socket.destroy();
      return;
    }
    if (target !== "wait") {
      forwardTo(entry, namespace, target.pod, socket, dispatch);
      return;
    }
    const held: Held = { socket, timer: clock.setTimeout(() => { if (unhold(entry, held)) socket.destroy(); }, holdMs) };
    entry.held.push(held);
    socket.once("close", () => unhold(entry, held));
  };

  const close = (f: Forward): void => {
    for (const held of [...f.held]) if (unhold(f, held)) held.socket.destroy();
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
          close(f);
          // Off the public view (a new forward on the same port reports itself below, after this).
          if (state.projects[f.project] !== undefined) {
            dispatch({ type: "portForwardClosed", project: f.project, service: f.service, local: f.listening?.port ?? f.local, remote: f.target, ...(f.ephemeral ? { ephemeral: true } : {}) });
          }
        }
      }
      for (const f of open.values()) release(f, dispatch);
      for (const [key, w] of wanted) {
        if (open.has(key)) continue;
        const entry: Forward = { project: w.project, service: w.service, target: w.target, local: w.local, ephemeral: w.ephemeral, held: [] };
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
      for (const f of open.values()) close(f);
      await Promise.allSettled([...open.values()].map(async (f) => f.listening?.stop()));
      open.clear();
    },
  };
};
