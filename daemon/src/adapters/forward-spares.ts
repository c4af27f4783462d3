/**
 * Port-forward connections without the stream set-up on the request path. Each local TCP connection needs its own
 * stream to the pod (over WebSocket the kubelet carries one connection per port per stream), and opening one costs
 * TCP, TLS and the upgrade to the apiserver: two to three round trips before the first byte, paid by every client
 * that opens a new connection (curl, a test script, a browser after idle). So each forward target (namespace, pod,
 * port) that was used keeps spare streams opened ahead: a new connection takes one (or, when one is still opening,
 * waits for it: that is sooner than opening its own), and another is opened at once.
 *
 * Bounds: none before the target's first connection. One spare per target, more only while connections come faster
 * than a stream opens: each connection that finds no spare ready but one still opening raises the target's count by
 * one, up to `maxSpares` (4), and each spare that reaches its age unused lowers it by one, down to one. A spare lives at most
 * `maxAgeMs` (10 s, as long as a browser keeps an unused preconnected socket: well under the idle limits of common
 * servers, Node's 60 s headersTimeout, puma's 30 s first_data_timeout, nginx's 60 s), then it is closed and replaced
 * only while the target was used within `idleMs` (2 min); after that nothing stays open. Nor is it replaced while the
 * client keeps reusing a connection: one older than a spare's age that sent bytes within that age (a kept-alive
 * poller, a page's requests) has no need of a new one, and each replacement costs the cluster a stream's set-up
 * (TLS, the upgrade, the kubelet's nsenter and socat: on a 2-core node with 10 projects whose forwards are polled, one
 * a second added 12 ms to an edit's P1, docs/benchmarks.md). That is checked again each `maxAgeMs` with nothing
 * opened, so a spare is back within one age of the client going quiet (an idle connection, an HMR socket, none).
 * A spare that fails or ends is not replaced until the next connection. `drop` closes a namespace's spares (a
 * forward or project that goes away).
 *
 * The kubelet dials the pod's port when the stream opens, so the server sees an idle connection. Two ways that goes
 * wrong are handled: a server that speaks first (a greeting: MySQL, SMTP) has its spares closed and gets no more
 * for that target, so nobody receives a stale greeting; and a spare the server closed just as it was taken (its end
 * still on the way) is replaced transparently: when the stream ends or reports an error before any byte came back and
 * within `retryWindowMs` (10 s) of being taken, the client's bytes so far (at most `replayLimitBytes`, 64 KiB) go
 * again on a newly opened stream, once. That is what a browser does with a kept-alive connection that closes before
 * any answer; the kubelet's end of a stream whose server closed it comes up to half a second later (socat's linger),
 * more under load.
 */
import type { Duplex } from "node:stream";
import type { PortForwardTarget } from "../ports/cluster.js";

export interface PodStreamHandlers {
  /** Bytes from the pod. */
  data(chunk: Buffer): void;
  /** The kubelet reported a failure (e.g. nothing listens on the port); the stream ends after it. */
  error(message: string): void;
  /** The stream has ended (either side). */
  closed(): void;
}

/** One port-forward stream to a pod port. Events that come before `listen` are kept and delivered to it. */
export interface PodStream {
  write(chunk: Buffer): void;
  close(): void;
  listen(handlers: PodStreamHandlers): void;
}

export type OpenPodStream = (target: PortForwardTarget) => Promise<PodStream>;

export interface Timer {
  cancel(): void;
}

export interface ForwardSparesParams {
  readonly open: OpenPodStream;
  readonly maxAgeMs?: number;
  readonly maxSpares?: number;
  readonly idleMs?: number;
  readonly retryWindowMs?: number;
  readonly replayLimitBytes?: number;
  readonly now?: () => number;
  readonly setTimer?: (run: () => void, ms: number) => Timer;
}

export interface ForwardSpares {
  /** Carries one local connection to the target; rejects when no stream could be opened (the caller words it). */
  connect(target: PortForwardTarget, socket: Duplex): Promise<void>;
  /** Closes the spares of a namespace (of one remote port when given) and forgets their targets. */
  drop(namespace: string, remotePort?: number): void;
  /** Spares open now (tests, status). */
  readonly spares: number;
}

interface Spare {
  readonly stream: PodStream;
  readonly timer: Timer;
}

/** A client connection the target carries: when it was opened and when the client last sent bytes on it. */
interface Carried {
  readonly openedAt: number;
  lastClientByte: number;
}

interface Entry {
  readonly target: PortForwardTarget;
  lastUsed: number;
  /** The client connections open now. */
  readonly carried: Set<Carried>;
  /** The check that follows an age-out not renewed because the client reuses a connection (renew). */
  recheck: Timer | undefined;
  /** Ready, oldest first. */
  readonly ready: Spare[];
  opening: number;
  /** Connections waiting for a spare that is opening (given the next one that opens, or undefined if it fails). */
  readonly waiters: ((stream: PodStream | undefined) => void)[];
  /** How many spares (ready and opening) the target should have. */
  want: number;
  /** The server spoke before any client byte: no spares for this target. */
  serverFirst: boolean;
  dropped: boolean;
}

const defaultTimer = (run: () => void, ms: number): Timer => {
  const t = setTimeout(run, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

const keyOf = (t: PortForwardTarget): string => `${t.namespace}/${t.pod}/${t.remotePort}`;

export const createForwardSpares = ({
  open,
  maxAgeMs = 10_000,
  maxSpares = 4,
  idleMs = 120_000,
  retryWindowMs = 10_000,
  replayLimitBytes = 64 * 1024,
  now = () => performance.now(),
  setTimer = defaultTimer,
}: ForwardSparesParams): ForwardSpares => {
  const entries = new Map<string, Entry>();
  let spares = 0;

  const discard = (entry: Entry, spare: Spare): void => {
    const at = entry.ready.indexOf(spare);
    if (at < 0) return;
    entry.ready.splice(at, 1);
    spares -= 1;
    spare.timer.cancel();
    spare.stream.close();
  };
  const live = (entry: Entry): boolean => !entry.dropped && entries.get(keyOf(entry.target)) === entry;

  /** The client keeps reusing a connection: one older than a spare's age that sent bytes within that age. */
  const reusing = (entry: Entry): boolean => [...entry.carried].some((c) => now() - c.openedAt >= maxAgeMs && now() - c.lastClientByte < maxAgeMs);

  /** After a spare aged out unused: another, unless the client reuses a connection; then asked again in maxAgeMs. */
  const renew = (entry: Entry): void => {
    if (!reusing(entry)) {
      arm(entry);
      return;
    }
    if (entry.recheck !== undefined) return;
    entry.recheck = setTimer(() => {
      entry.recheck = undefined;
      if (!live(entry) || entry.ready.length + entry.opening > 0 || now() - entry.lastUsed >= idleMs) return;
      renew(entry);
    }, maxAgeMs);
  };

  const openOne = (entry: Entry): void => {
    entry.opening += 1;
    open(entry.target).then(
      (stream) => {
        entry.opening -= 1;
        const waiter = entry.waiters.shift();
        if (waiter !== undefined) {
          waiter(stream);
          return;
        }
        if (!live(entry) || entry.serverFirst) {
          stream.close();
          return;
        }
        const timer = setTimer(() => {
          if (!entry.ready.includes(spare)) return;
          discard(entry, spare);
          entry.want = Math.max(1, entry.want - 1);
          if (now() - entry.lastUsed < idleMs) renew(entry);
          else if (entry.ready.length === 0 && entry.opening === 0) entries.delete(keyOf(entry.target));
        }, maxAgeMs);
        const spare: Spare = { stream, timer };
        entry.ready.push(spare);
        spares += 1;
        const dead = (): void => discard(entry, spare);
        stream.listen({
          data: () => {
            if (!entry.ready.includes(spare)) return;
            entry.serverFirst = true;
            for (const s of [...entry.ready]) discard(entry, s);
          },
          error: dead,
          closed: dead,
        });
      },
      () => {
        // The pod is gone or the cluster unreachable: the next connection opens its own stream (and says why).
        entry.opening -= 1;
        entry.waiters.shift()?.(undefined);
      },
    );
  };

  const arm = (entry: Entry): void => {
    if (entry.serverFirst || !live(entry)) return;
    while (entry.ready.length + entry.opening - entry.waiters.length < entry.want) openOne(entry);
  };

  /**
   * A spare for a new connection: a ready one (the newest), else one that is opening (waited for), else none. None
   * ready but one opening means connections come faster than a stream opens: the target keeps one more from now on.
   * (None opening either: the spare ended or aged out, and this connection opens its own.)
   */
  const takeSpare = (entry: Entry): PodStream | Promise<PodStream | undefined> | undefined => {
    const spare = entry.ready.pop();
    if (spare !== undefined) {
      spares -= 1;
      spare.timer.cancel();
      arm(entry);
      return spare.stream;
    }
    if (entry.opening === 0) return undefined;
    entry.want = Math.min(maxSpares, entry.want + 1);
    if (entry.opening <= entry.waiters.length) return undefined;
    const next = new Promise<PodStream | undefined>((resolve) => entry.waiters.push(resolve));
    arm(entry);
    return next;
  };

  /** Pipes the socket through `first`; with `reopen` (a spare was taken), a dead spare is replaced once (above). */
  const carry = (entry: Entry, socket: Duplex, first: PodStream, reopen?: () => Promise<PodStream>): void => {
    const takenAt = now();
    const carried: Carried = { openedAt: takenAt, lastClientByte: takenAt };
    entry.carried.add(carried);
    let current: PodStream | undefined = first;
    let answered = false;
    let clientEnded = false;
    let replay: Buffer[] | undefined = reopen === undefined ? undefined : [];
    let replayBytes = 0;
    const waiting: Buffer[] = [];

    const canRetry = (): boolean => replay !== undefined && !answered && !clientEnded && !socket.destroyed && now() - takenAt <= retryWindowMs;
    const retry = (): void => {
      const sent = replay ?? [];
      replay = undefined;
      current = undefined;
      (reopen as () => Promise<PodStream>)().then(
        (stream) => {
          if (socket.destroyed) {
            stream.close();
            return;
          }
          current = stream;
          attach(stream);
          for (const chunk of [...sent, ...waiting.splice(0)]) stream.write(chunk);
          if (clientEnded) stream.close();
        },
        () => socket.destroy(),
      );
    };
    const attach = (stream: PodStream): void => {
      stream.listen({
        data: (chunk) => {
          if (stream !== current) return;
          answered = true;
          replay = undefined;
          if (!socket.destroyed) socket.write(chunk);
        },
        // A failed dial on the pod's side: the client sees a reset instead of a hang.
        error: () => {
          if (stream !== current) return;
          if (canRetry()) retry();
          else socket.destroy();
        },
        closed: () => {
          if (stream !== current) return;
          if (canRetry()) retry();
          else socket.end();
        },
      });
    };
    socket.on("data", (chunk: Buffer) => {
      carried.lastClientByte = now();
      if (replay !== undefined) {
        replayBytes += chunk.length;
        if (replayBytes > replayLimitBytes) replay = undefined;
        else replay.push(chunk);
      }
      if (current === undefined) waiting.push(chunk);
      else current.write(chunk);
    });
    // Over WebSocket (v4.channel.k8s.io) a stream cannot be half-closed: the client's end closes it.
    socket.on("end", () => {
      clientEnded = true;
      current?.close();
    });
    socket.on("close", () => {
      clientEnded = true;
      entry.carried.delete(carried);
      current?.close();
    });
    attach(first);
  };

  return {
    async connect(target, socket) {
      const key = keyOf(target);
      // Targets unused for idleMs with nothing open are forgotten (a replaced pod's, a server-first one's).
      for (const [k, e] of entries) if (e.ready.length === 0 && e.opening === 0 && now() - e.lastUsed >= idleMs) entries.delete(k);
      const known = entries.get(key);
      const entry: Entry = known ?? { target, lastUsed: now(), carried: new Set(), recheck: undefined, ready: [], opening: 0, waiters: [], want: 1, serverFirst: false, dropped: false };
      if (known === undefined) entries.set(key, entry);
      entry.lastUsed = now();
      // The first connection to a target opens its own stream (nothing is opened ahead before one).
      const spare = known === undefined || entry.serverFirst ? undefined : await takeSpare(entry);
      if (spare !== undefined) {
        if (socket.destroyed) spare.close();
        else carry(entry, socket, spare, () => open(target));
        arm(entry);
        return;
      }
      const stream = await open(target);
      if (socket.destroyed) {
        stream.close();
        return;
      }
      carry(entry, socket, stream);
      arm(entry);
    },
    drop(namespace, remotePort) {
      for (const [key, entry] of entries) {
        if (entry.target.namespace !== namespace || (remotePort !== undefined && entry.target.remotePort !== remotePort)) continue;
        entry.dropped = true;
        entry.recheck?.cancel();
        for (const s of [...entry.ready]) discard(entry, s);
        for (const w of entry.waiters.splice(0)) w(undefined);
        entries.delete(key);
      }
    },
    get spares() {
      return spares;
    },
  };
};
