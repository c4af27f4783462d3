/** Listening on a local TCP port for port-forwards; the real one is adapters/tcp-port-listener.ts (node:net). */
import type { Duplex } from "node:stream";
import type { Stoppable } from "./cluster.js";

/** A listening socket: the port it is bound to (the one the system picked when asked for port 0). */
export interface Listening extends Stoppable {
  readonly port: number;
}

export interface PortListener {
  /** Port 0 asks for a free port (compose `ports: ["80"]`); the result says which. Rejects with a readable message when the port is taken. */
  listen(params: { host: string; port: number; onConnection: (socket: Duplex) => void }): Promise<Listening>;
}
