/**
 * Where an edit's sync goes at the latency proxy (issue 12 item 5), from the proxy's chunk times (ProxyChunk): the
 * sync session's write is the first chunk of at least `minBytes` that comes up after the save (an edit's batch, ~2 KB
 * with TLS; an HTTP request through the port-forward and the watches' traffic are a few hundred bytes), and the agent's
 * `done` the first chunk that comes down on the same connection after the write went on. Pure: chunks in, times out.
 */
import type { ProxyChunk } from "../daemon/test/support/latency-proxy.js";

export interface EditHops {
  /** The save → the write's first byte at the proxy: the watcher's event, the quiet, scan and pack, devloop's write. */
  readonly toProxy: number;
  /** The proxy holds the write (the delay). */
  readonly holdUp: number;
  /** The proxy writes it on → `done` comes back to the proxy: apiserver, kubelet, runtime, the agent's work, and back. */
  readonly cluster: number;
  /** The proxy holds `done` (the delay). */
  readonly holdDown: number;
}

/** The hops of the edit saved at `savedAt` (performance.now()), or undefined when its write or `done` is not among the chunks. */
export const editHopsOf = (chunks: readonly ProxyChunk[], savedAt: number, minBytes = 1000): EditHops | undefined => {
  const upIn = chunks.find((c) => c.direction === "up" && c.phase === "in" && c.at >= savedAt && c.bytes >= minBytes);
  if (upIn === undefined) return undefined;
  const mine = chunks.filter((c) => c.connection === upIn.connection && c.at >= upIn.at);
  const upOut = mine.find((c) => c.direction === "up" && c.phase === "out");
  if (upOut === undefined) return undefined;
  const downIn = mine.find((c) => c.direction === "down" && c.phase === "in" && c.at >= upOut.at);
  if (downIn === undefined) return undefined;
  const downOut = mine.find((c) => c.direction === "down" && c.phase === "out" && c.at >= downIn.at);
  if (downOut === undefined) return undefined;
  return { toProxy: upIn.at - savedAt, holdUp: upOut.at - upIn.at, cluster: downIn.at - upOut.at, holdDown: downOut.at - downIn.at };
};
