import { connect } from "node:net";
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
});
