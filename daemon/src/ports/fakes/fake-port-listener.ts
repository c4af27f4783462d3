/** A PortListener without sockets: port 0 gets the next free port from 40000, a port in `taken` is refused. */
import type { Duplex } from "node:stream";
import type { PortListener } from "../port-listener.js";

export interface FakePortListener extends PortListener {
  /** Ports listening now, by host:port, with their connection handler. */
  readonly listening: Map<string, (socket: Duplex) => void>;
  /** Ports another process holds. */
  readonly taken: Set<number>;
}

export const createFakePortListener = (firstFree = 40000): FakePortListener => {
  const listening = new Map<string, (socket: Duplex) => void>();
  const taken = new Set<number>();
  let next = firstFree;
  return {
    listening,
    taken,
    async listen({ host, port, onConnection }) {
      await Promise.resolve();
      const busy = (p: number): boolean => taken.has(p) || listening.has(`${host}:${p}`);
      if (port !== 0 && busy(port)) throw new Error(`${host}:${port} is already in use`);
      let bound = port;
      if (bound === 0) {
        while (busy(next)) next++;
        bound = next++;
      }
      const key = `${host}:${bound}`;
      listening.set(key, onConnection);
      return { port: bound, stop: () => Promise.resolve(void listening.delete(key)) };
    },
  };
};
