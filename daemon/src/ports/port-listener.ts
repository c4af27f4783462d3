/** Listening on a local TCP port for port-forwards; the real one is adapters/tcp-port-listener.ts (node:net). */
import type { Duplex } from "node:stream";
import type { Stoppable } from "./cluster.js";

export interface PortListener {
  /** Rejects with a readable message when the port is taken. */
  listen(params: { host: string; port: number; onConnection: (socket: Duplex) => void }): Promise<Stoppable>;
}
