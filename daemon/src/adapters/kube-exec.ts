/**
 * Exec in a pod through @kubernetes/client-node's Exec (WebSocket). Kubernetes before 1.30 speaks
 * only v4.channel.k8s.io over WebSocket, which cannot half-close stdin: when our stdin ends,
 * client-node closes the socket and the command's output and exit status are lost. So stdin is
 * never ended here; the caller's command must read exactly stdin.length bytes (`head -c N | …`).
 * We wait for the status frame, which carries the exit code, then close.
 */
import { PassThrough, Writable } from "node:stream";
import type { KubeConfig, V1Status } from "@kubernetes/client-node";
import { Exec } from "@kubernetes/client-node";
import { RuntimeCodes } from "../errors/runtime-codes.js";
import { TransientError } from "../errors/transient-error.js";

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export interface ExecOptions {
  /** Sent as the command's stdin, which is then held open: the command must read exactly this many bytes. */
  readonly stdin?: Uint8Array;
  /**
   * Sent as the command's stdin chunk by chunk as the connection takes it (at most stdinQueueBytes waiting in the
   * socket: a big payload is never held whole), then held open like `stdin`. The command must frame what it reads.
   * The stream is pulled until it ends or the command exits; when it throws, the exec still waits for the command's
   * status (the stream should have ended its framing first), then rejects with that error.
   */
  readonly stdinStream?: AsyncIterable<Uint8Array>;
  /** Give up (and close the connection) after this long. Default 120 s. */
  readonly timeoutMs?: number;
  /** Keep at most this many bytes of stdout (the rest is dropped). Default 64 MiB. */
  readonly maxOutputBytes?: number;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  /** stdout as bytes (a tar read from the container). */
  readonly stdoutBytes?: Buffer;
  readonly stderr: string;
  /** Wall time from connecting to the status frame, ms. */
  readonly ms: number;
}

export type KubeExec = (target: ExecTarget, command: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/** An exec that could not run or whose result was lost, worded for a human. */
export class KubeExecError extends TransientError {
  override readonly name = "KubeExecError";
  protected readonly defaultCode = RuntimeCodes.exec.code;
}

/** What we use of the `ws` socket client-node returns (its isomorphic-ws types do not resolve here). */
interface ExecSocket {
  readonly readyState: number;
  once(event: "close", listener: () => void): unknown;
  close(): void;
  send(data: Uint8Array, cb: (err?: Error) => void): void;
}

/** Bytes of a streamed stdin allowed to wait in the socket before the stream is pulled again. */
export const stdinQueueBytes = 8 * 1024 * 1024;

/**
 * The kubeconfig as client-node's WebSocket sees it, with an all-zero masking key on the frames we send. ws masks
 * every client frame in JavaScript (no bufferutil here): a 61 MB fill spent 1.3 s of the daemon's CPU in ws's _mask
 * (--cpu-prof on the bed), and masking copies each frame. A zero key is a valid mask (RFC 6455 §5.3) that ws skips;
 * masking guards HTTP intermediaries against script-chosen bytes, and this connection is TLS to the apiserver
 * carrying bytes devloop chose.
 */
const withZeroMask = (kc: KubeConfig): KubeConfig => {
  const wrapped = Object.create(kc) as KubeConfig;
  wrapped.applyToHTTPSOptions = async (opts) => {
    await kc.applyToHTTPSOptions(opts);
    Object.assign(opts, { generateMask: (mask: Uint8Array) => { mask.fill(0); } });
  };
  return wrapped;
};

/**
 * Sends a stream as stdin frames straight on the socket (channel byte 0 first, as client-node does), waiting whenever
 * stdinQueueBytes are queued. Stops when `stop()` says the command ended.
 */
const pumpStdin = async (socket: ExecSocket, source: AsyncIterable<Uint8Array>, stop: () => boolean, ended: Promise<unknown>): Promise<void> => {
  let queued = 0;
  let wake: (() => void) | undefined;
  let failed: Error | undefined;
  const sent = (bytes: number) => (err?: Error | null): void => {
    queued -= bytes;
    if (err) failed ??= err;
    const w = wake;
    wake = undefined;
    w?.();
  };
  for await (const chunk of source) {
    if (stop() || socket.readyState !== wsOpen) return;
    if (failed !== undefined) throw failed;
    for (let i = 0; i < chunk.length; i += frameBytes) {
      const part = chunk.subarray(i, Math.min(chunk.length, i + frameBytes));
      const frame = Buffer.allocUnsafe(part.length + 1);
      frame[0] = 0;
      frame.set(part, 1);
      queued += frame.length;
      socket.send(frame, sent(frame.length));
    }
    while (queued > stdinQueueBytes && !stop() && socket.readyState === wsOpen) await Promise.race([new Promise<void>((resolve) => { wake = resolve; }), ended]);
  }
};
const wsConnecting = 0;
const wsOpen = 1;

/** Chunks written to the socket: each becomes one WebSocket frame. */
const frameBytes = 256 * 1024;

const collect = (limit: number): { stream: Writable; text: () => string; bytes: () => Buffer } => {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (size < limit) { chunks.push(chunk.subarray(0, limit - size)); size += chunk.length; }
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8"), bytes: () => Buffer.concat(chunks) };
};

/** V1Status → exit code: Success is 0; NonZeroExitCode carries the code in details.causes. */
export const exitCodeOf = (status: V1Status): number | undefined => {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  if (cause?.message !== undefined) {
    const code = Number.parseInt(cause.message, 10);
    if (Number.isFinite(code)) return code;
  }
  return undefined;
};

/** Rewords a WebSocket connection failure ("Unexpected server response: 404") for a human. */
export const describeConnectError = (where: string, err: unknown): KubeExecError => {
  const raw = err instanceof Error ? err.message : typeof err === "object" && err !== null && "message" in err ? String(err.message) : String(err);
  const m = /Unexpected server response: (\d+)/.exec(raw);
  const status = m?.[1] !== undefined ? Number(m[1]) : undefined;
  switch (status) {
    case 400: return new KubeExecError(`${where}: the cluster refused the exec (400); is the container running?`, true, status);
    case 401: return new KubeExecError(`${where}: not authenticated (401); check the kubeconfig's credentials`, false, status);
    case 403: return new KubeExecError(`${where}: not allowed to exec (403); the user needs create on pods/exec`, false, status);
    case 404: return new KubeExecError(`${where}: pod not found (404)`, true, status);
    case undefined: break;
    default: return new KubeExecError(`${where}: the cluster answered ${status}`, status >= 500 || status === 429, status);
  }
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up/.test(raw)) {
    return new KubeExecError(`${where}: cannot reach the cluster (${raw})`, true);
  }
  return new KubeExecError(`${where}: ${raw}`, true);
};

/** Creates the exec function for one kubeconfig. */
export const createKubeExec = (kc: KubeConfig): KubeExec => {
  const client = new Exec(withZeroMask(kc));
  return async (target, command, options = {}) => {
    const where = `exec in pod ${target.namespace}/${target.pod} (container ${target.container})`;
    const limit = options.maxOutputBytes ?? 64 * 1024 * 1024;
    const stdout = collect(limit);
    const stderr = collect(1024 * 1024);
    // A streamed stdin goes straight on the socket (pumpStdin); the PassThrough only asks for the stdin channel.
    const stdin = options.stdin !== undefined || options.stdinStream !== undefined ? new PassThrough() : null;
    const started = performance.now();
    let status: V1Status | undefined;
    let onStatus: ((s: V1Status) => void) | undefined;
    const statusArrived = new Promise<V1Status>((resolve) => {
      onStatus = resolve;
    });

    if (stdin !== null && options.stdin !== undefined) {
      // Queue the whole payload before connecting: client-node forwards 'data' events once the socket is open.
      const data = options.stdin;
      for (let i = 0; i < data.length; i += frameBytes) stdin.write(Buffer.from(data.buffer, data.byteOffset + i, Math.min(frameBytes, data.length - i)));
    }

    let socket: ExecSocket;
    try {
      const raw: unknown = await client.exec(target.namespace, target.pod, target.container, [...command], stdout.stream, stderr.stream, stdin, false, (s) => {
        status = s;
        onStatus?.(s);
      });
      socket = raw as ExecSocket;
    } catch (err) {
      stdin?.destroy();
      throw describeConnectError(where, err);
    }

    const timeoutMs = options.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    let isClosed = false;
    const closed = new Promise<"closed">((resolve) => socket.once("close", () => { isClosed = true; resolve("closed"); }));
    const timedOut = new Promise<"timeout">((resolve) => { timer = setTimeout(() => resolve("timeout"), timeoutMs); });
    let pumpError: unknown;
    if (options.stdinStream !== undefined) {
      pumpStdin(socket, options.stdinStream, () => status !== undefined || isClosed, Promise.race([closed, statusArrived])).catch((err: unknown) => { pumpError = err; });
    }
    try {
      const first = await Promise.race([statusArrived, closed, timedOut]);
      if (first === "timeout") {
        throw new KubeExecError(`${where}: no answer after ${timeoutMs} ms (command: ${command.join(" ").slice(0, 120)})`, true);
      }
      // The status frame can arrive in the same tick as the close: give it that tick.
      const final = status ?? (await Promise.race([statusArrived, new Promise<undefined>((r) => setImmediate(() => r(undefined)))]));
      if (final === undefined) {
        throw new KubeExecError(`${where}: the connection closed before the command reported its exit status`, true);
      }
      const exitCode = exitCodeOf(final);
      if (exitCode === undefined) {
        // e.g. the executable does not exist in the image: the runtime's message is the useful part.
        const message = final.message ?? final.reason ?? "unknown failure";
        throw new KubeExecError(`${where}: the command could not run: ${message}`, false);
      }
      if (pumpError !== undefined) throw pumpError instanceof Error ? pumpError : new Error("reading the streamed stdin failed");
      return { exitCode, stdout: stdout.text(), stdoutBytes: stdout.bytes(), stderr: stderr.text(), ms: performance.now() - started };
    } finally {
      clearTimeout(timer);
      stdin?.destroy();
      if (socket.readyState === wsOpen || socket.readyState === wsConnecting) socket.close();
    }
  };
};

/** A long-lived exec: write framed requests to stdin, read replies from stdout. */
export interface ExecStream {
  write(data: Uint8Array): void;
  onStdout(listener: (chunk: Buffer) => void): void;
  onStderr(listener: (chunk: Buffer) => void): void;
  /** Resolves when the command ends or the connection drops: the exit code when a status arrived. */
  readonly ended: Promise<{ readonly exitCode?: number; readonly message: string }>;
  close(): void;
}

export type KubeExecStreamOpener = (target: ExecTarget, command: readonly string[]) => Promise<ExecStream>;

/** Opens a long-lived exec whose stdin stays open until close(). */
export const createKubeExecStream = (kc: KubeConfig): KubeExecStreamOpener => {
  const client = new Exec(withZeroMask(kc));
  return async (target, command) => {
    const where = `exec in pod ${target.namespace}/${target.pod} (container ${target.container})`;
    const stdin = new PassThrough();
    const outListeners: ((c: Buffer) => void)[] = [];
    const errListeners: ((c: Buffer) => void)[] = [];
    const sink = (listeners: ((c: Buffer) => void)[]) => new Writable({
      write(chunk: Buffer, _enc, cb) { for (const l of listeners) l(chunk); cb(); },
    });
    let finish: (r: { exitCode?: number; message: string }) => void = () => undefined;
    const ended = new Promise<{ exitCode?: number; message: string }>((resolve) => { finish = resolve; });
    let socket: ExecSocket;
    try {
      const raw: unknown = await client.exec(target.namespace, target.pod, target.container, [...command], sink(outListeners), sink(errListeners), stdin, false, (s) => {
        const code = exitCodeOf(s);
        finish(code === undefined ? { message: `${where}: ${s.message ?? "the command failed"}` } : { exitCode: code, message: `${where}: the command exited ${code}` });
      });
      socket = raw as ExecSocket;
    } catch (err) {
      stdin.destroy();
      throw describeConnectError(where, err);
    }
    socket.once("close", () => { stdin.destroy(); finish({ message: `${where}: the connection closed` }); });
    return {
      write: (data) => {
        for (let i = 0; i < data.length; i += frameBytes) stdin.write(Buffer.from(data.buffer, data.byteOffset + i, Math.min(frameBytes, data.length - i)));
      },
      onStdout: (l) => { outListeners.push(l); },
      onStderr: (l) => { errListeners.push(l); },
      ended,
      close: () => {
        stdin.destroy();
        if (socket.readyState === wsOpen || socket.readyState === wsConnecting) socket.close();
      },
    };
  };
};
