/**
 * One port-forward stream to a pod port (a PodStream, forward-spares.ts) on @kubernetes/client-node's WebSocket
 * PortForward: data on channel 0, the kubelet's error text on channel 1 (each channel's first frame carries only the
 * port number, stripped to nothing by client-node). Rejects when the WebSocket cannot be opened.
 */
import { PassThrough, Writable } from "node:stream";
import { PortForward } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import type { PortForwardTarget } from "../ports/cluster.js";
import type { OpenPodStream, PodStream, PodStreamHandlers } from "./forward-spares.js";

/** What we use of the `ws` socket client-node returns (its isomorphic-ws types do not resolve here). */
interface ForwardSocket {
  once(event: "close", listener: () => void): unknown;
}

type Early = { readonly kind: "data"; readonly chunk: Buffer } | { readonly kind: "error"; readonly message: string } | { readonly kind: "closed" };

export const createKubePodStreams =
  (kubeConfig: KubeConfig): OpenPodStream =>
  async (target: PortForwardTarget): Promise<PodStream> => {
    let handlers: PodStreamHandlers | undefined;
    const early: Early[] = [];
    const emit = (event: Early): void => {
      if (handlers === undefined) early.push(event);
      else if (event.kind === "data") handlers.data(event.chunk);
      else if (event.kind === "error") handlers.error(event.message);
      else handlers.closed();
    };
    const toPod = new PassThrough();
    const fromPod = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (chunk.length > 0) emit({ kind: "data", chunk });
        cb();
      },
    });
    const errors = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (chunk.length > 0) emit({ kind: "error", message: chunk.toString("utf8") });
        cb();
      },
    });
    const ws = (await new PortForward(kubeConfig, true).portForward(target.namespace, target.pod, [target.remotePort], fromPod, errors, toPod)) as unknown as ForwardSocket | undefined;
    let closed = false;
    ws?.once("close", () => {
      closed = true;
      emit({ kind: "closed" });
    });
    return {
      write: (chunk) => {
        if (!closed) toPod.write(chunk);
      },
      // client-node closes the WebSocket when its input ends.
      close: () => {
        if (!toPod.writableEnded) toPod.end();
      },
      listen: (h) => {
        handlers = h;
        for (const event of early.splice(0)) emit(event);
      },
    };
  };
