// A port-forward from 127.0.0.1:<ephemeral> to a pod port, through client-node's WebSocket PortForward.
import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { PortForward } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";

export interface PortForwardParams {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
  /** Local port; 0 (default) picks a free one. */
  readonly localPort?: number;
}

export interface OpenPortForward {
  readonly localPort: number;
  close(): Promise<void>;
}

export async function openPortForward(kc: KubeConfig, params: PortForwardParams): Promise<OpenPortForward> {
  const forward = new PortForward(kc);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    forward.portForward(params.namespace, params.pod, [params.port], socket, null, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(params.localPort ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    localPort: port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
