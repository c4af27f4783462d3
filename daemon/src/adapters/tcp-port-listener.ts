/**
 * PortListener on node:net, bound to 127.0.0.1 (or the compose host_ip); port 0 takes a free port and reports it.
 * Nagle is off on every accepted socket: a forward writes each chunk as the pod sends it, and with Nagle a chunk that
 * follows an unacknowledged one (a body after its headers) waits for the client's delayed ACK, up to 40 ms.
 */
import { createServer } from "node:net";
import type { PortListener } from "../ports/port-listener.js";

export const tcpPortListener: PortListener = {
  listen: ({ host, port, onConnection }) =>
    new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (socket) => onConnection(socket));
      server.once("error", (error: NodeJS.ErrnoException) => {
        reject(new Error(error.code === "EADDRINUSE" ? `${host}:${port} is already in use` : `cannot listen on ${host}:${port}: ${error.message}`));
      });
      server.listen(port, host, () => {
        const address = server.address();
        const bound = typeof address === "object" && address !== null ? address.port : port;
        resolve({ port: bound, stop: () => new Promise<void>((done) => server.close(() => done())) });
      });
    }),
};
