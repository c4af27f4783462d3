import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { tcpPortListener } from "./tcp-port-listener.js";

describe("the TCP port listener", () => {
  it("asked for port 0, listens on a free port, says which, and that port takes connections", async () => {
    const accepted: string[] = [];
    const listening = await tcpPortListener.listen({ host: "127.0.0.1", port: 0, onConnection: (socket) => void (accepted.push("yes"), socket.end()) });
    try {
      expect(listening.port).toBeGreaterThan(0);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(listening.port, "127.0.0.1", () => socket.end());
        socket.on("close", () => resolve());
        socket.on("error", reject);
      });
      expect(accepted).toEqual(["yes"]);
      // The port it reported is held: asking for it again is refused.
      await expect(tcpPortListener.listen({ host: "127.0.0.1", port: listening.port, onConnection: () => undefined })).rejects.toThrow(`127.0.0.1:${listening.port} is already in use`);
    } finally {
      await listening.stop();
    }
  });

  it("sends a chunk that follows an unacknowledged one at once (no Nagle): a body after its headers is not held for the client's delayed ACK", async () => {
    // Each "q" from the client is answered with "a" and, 2 ms later, "b", as a server writes headers and then the body.
    const listening = await tcpPortListener.listen({
      host: "127.0.0.1",
      port: 0,
      onConnection: (socket) => socket.on("data", () => void (socket.write("a"), setTimeout(() => socket.write("b"), 2))),
    });
    const client: Socket = connect(listening.port, "127.0.0.1");
    try {
      await new Promise<void>((resolve, reject) => client.once("connect", resolve).once("error", reject));
      const gaps: number[] = [];
      // On a kept-alive connection the client's kernel delays its ACKs (40 ms on Linux) once the exchange is a
      // request and answer; with Nagle on, "b" waits for the ACK of "a".
      for (let i = 0; i < 9; i++) {
        const gap = await new Promise<number>((resolve) => {
          let first = 0;
          const onData = (chunk: Buffer): void => {
            if (first === 0) first = performance.now();
            if (chunk.toString().endsWith("b")) {
              client.off("data", onData);
              resolve(performance.now() - first);
            }
          };
          client.on("data", onData);
          client.write("q");
        });
        gaps.push(gap);
      }
      gaps.sort((x, y) => x - y);
      expect(gaps[4]).toBeLessThan(25);
    } finally {
      client.destroy();
      await listening.stop();
    }
  });
});

