/**
 * For the bench and tests (issue 12 item 5): a TCP proxy in front of the bed's kube-apiserver that makes it look like a
 * remote cluster. It forwards bytes (TLS passes through untouched), holds every chunk for a fixed delay in each
 * direction (25 ms each way = 50 ms round trip), keeps the order of the chunks, and can cut every connection at once.
 *
 * `proxiedKubeconfig` writes a copy of a kubeconfig whose clusters point at the proxy: the bed's apiserver certificate
 * names 127.0.0.1, so https://127.0.0.1:<proxy port> verifies as the original does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";

export interface LatencyProxy {
  readonly port: number;
  /** Delay added to each chunk in each direction, ms (half the added round-trip time). */
  delayMs: number;
  /** Connections open now, and accepted since the start. */
  readonly connections: { readonly open: number; readonly total: number };
  /**
   * Called for each chunk as the proxy reads it (`in`) and as it writes it on (`out`), with performance.now(): where a
   * request's time goes on either side of the delay (the bench's hops). Unset: nothing is recorded.
   */
  onChunk: ((chunk: ProxyChunk) => void) | undefined;
  /** Destroys every open connection (both sides, queued bytes dropped); new connections are accepted as before. */
  cut(): number;
  /** Cuts every open connection and, for the next `ms`, closes each new one as soon as it is accepted (an outage). */
  outage(ms: number): number;
  close(): Promise<void>;
}

export interface ProxyChunk {
  /** The connection's number, from 1 in the order they were accepted. */
  readonly connection: number;
  /** up: client → apiserver; down: apiserver → client. */
  readonly direction: "up" | "down";
  readonly phase: "in" | "out";
  readonly bytes: number;
  readonly at: number;
}

export interface LatencyProxyParams {
  readonly targetHost: string;
  readonly targetPort: number;
  /** Per direction, ms. */
  readonly delayMs: number;
  readonly listenPort?: number;
}

/** Stops reading a side when this many bytes wait in its delay queue (back-pressure), resumes when it drains. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * How early before a chunk is due the drain's timer wakes. libuv fires a timer on a whole millisecond of the loop's
 * clock, so a plain setTimeout held each chunk 25.4–25.9 ms for a 25 ms delay (the bench's hop line, issue 12 item 5);
 * waking this much early and then yielding with setImmediate until the chunk is due holds it for the delay to a
 * fraction of a millisecond (latency-proxy.test.ts), at the price of a short spin per chunk that waits.
 */
const WAKE_EARLY_MS = 1.5;

/**
 * One direction: chunks read from `from` are written to `to` `delay()` ms later, in order. A single timer drains the
 * queue head by head, so a chunk never overtakes an earlier one even if the delay is changed in between.
 */
const pipeDelayed = (from: Socket, to: Socket, delay: () => number, seen: (phase: "in" | "out", bytes: number) => void): void => {
  const queue: { due: number; chunk: Buffer | null }[] = [];
  let queued = 0;
  let timer: { cancel(): void } | undefined;
  const schedule = (due: number): void => {
    const wait = due - performance.now();
    if (wait > WAKE_EARLY_MS) {
      const t = setTimeout(pump, wait - WAKE_EARLY_MS);
      timer = { cancel: () => clearTimeout(t) };
    } else {
      const i = setImmediate(pump);
      timer = { cancel: () => clearImmediate(i) };
    }
  };
  const pump = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
      const { chunk } = queue.shift() as { due: number; chunk: Buffer | null };
      if (to.destroyed) return;
      if (chunk === null) {
        to.end();
        continue;
      }
      queued -= chunk.length;
      to.write(chunk);
      seen("out", chunk.length);
      if (queued < HIGH_WATER && from.isPaused()) from.resume();
    }
    const head = queue[0];
    if (head !== undefined) schedule(head.due);
  };
  const push = (chunk: Buffer | null): void => {
    if (chunk !== null) seen("in", chunk.length);
    queue.push({ due: performance.now() + delay(), chunk });
    if (chunk !== null) {
      queued += chunk.length;
      if (queued >= HIGH_WATER) from.pause();
    }
    if (timer === undefined) schedule(queue[0]?.due ?? 0);
  };
  from.on("data", (chunk: Buffer) => push(chunk));
  from.on("end", () => push(null));
  to.on("close", () => {
    timer?.cancel();
    timer = undefined;
    queue.length = 0;
  });
};

export const startLatencyProxy = async (params: LatencyProxyParams): Promise<LatencyProxy> => {
  const sockets = new Set<Socket>();
  let total = 0;
  let refuseUntil = 0;
  const server = createServer({ noDelay: true }, (client) => {
    total += 1;
    if (performance.now() < refuseUntil) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: params.targetHost, port: params.targetPort, noDelay: true });
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop);
    upstream.on("error", drop);
    // A reset on either side (an error) resets the other at once; a clean end travels with the delay (pipeDelayed).
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
    const connection = total;
    const seen = (direction: "up" | "down") => (phase: "in" | "out", bytes: number) => proxy.onChunk?.({ connection, direction, phase, bytes, at: performance.now() });
    pipeDelayed(client, upstream, () => proxy.delayMs, seen("up"));
    pipeDelayed(upstream, client, () => proxy.delayMs, seen("down"));
    // Once both directions have ended, close both.
    let ended = 0;
    const done = (): void => {
      ended += 1;
      if (ended === 2) drop();
    };
    client.on("finish", done);
    upstream.on("finish", done);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(params.listenPort ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const proxy: LatencyProxy = {
    port,
    delayMs: params.delayMs,
    onChunk: undefined,
    get connections() {
      return { open: Math.ceil(sockets.size / 2), total };
    },
    cut() {
      const n = Math.ceil(sockets.size / 2);
      for (const s of [...sockets]) s.destroy();
      sockets.clear();
      return n;
    },
    outage(ms) {
      refuseUntil = performance.now() + ms;
      return proxy.cut();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...sockets]) s.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
  };
  return proxy;
};

/** The host and port of a kubeconfig's current cluster (the apiserver the proxy should forward to). */
export const kubeconfigServer = (kubeconfigPath: string): { host: string; port: number } => {
  const doc = parse(readFileSync(kubeconfigPath, "utf8")) as KubeconfigDoc;
  const context = doc.contexts?.find((c) => c.name === doc["current-context"])?.context?.cluster;
  const cluster = (doc.clusters ?? []).find((c) => c.name === context) ?? doc.clusters?.[0];
  const url = new URL(cluster?.cluster?.server ?? "https://127.0.0.1:6443");
  return { host: url.hostname, port: Number(url.port || (url.protocol === "https:" ? 443 : 80)) };
};

interface KubeconfigDoc {
  "current-context"?: string;
  contexts?: { name: string; context?: { cluster?: string } }[];
  clusters?: { name: string; cluster?: { server?: string } }[];
}

/** Writes a copy of the kubeconfig with every cluster's server set to https://127.0.0.1:<port>; returns its path. */
export const proxiedKubeconfig = (kubeconfigPath: string, port: number): string => {
  const doc = parse(readFileSync(kubeconfigPath, "utf8")) as KubeconfigDoc;
  for (const c of doc.clusters ?? []) {
    if (c.cluster?.server === undefined) continue;
    const url = new URL(c.cluster.server);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    c.cluster.server = url.toString().replace(/\/$/, "");
  }
  const out = path.join(mkdtempSync(path.join(tmpdir(), "devloop-proxied-kubeconfig-")), "kubeconfig");
  writeFileSync(out, stringify(doc), { mode: 0o600 });
  return out;
};
