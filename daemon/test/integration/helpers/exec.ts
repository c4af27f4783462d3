// Exec through @kubernetes/client-node's WebSocket, collecting output and the exit status.
// Kubernetes 1.20 speaks only v4.channel.k8s.io, which cannot half-close stdin: when stdin ends the client closes
// the socket and the output and status are lost. So stdin stays open and the remote command must read a known
// length (`head -c N`, a tar archive's end marker); we then wait for the status and close the socket ourselves.
import { PassThrough, Writable } from "node:stream";
import { Exec } from "@kubernetes/client-node";
import type { KubeConfig, V1Status } from "@kubernetes/client-node";

export interface ExecParams {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  /** Written to stdin without ending it: the command must stop reading after exactly this many bytes. */
  readonly stdin?: Buffer;
  readonly timeoutMs?: number;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly status: V1Status;
}

interface ExecSocket {
  on(event: "close", listener: () => void): void;
  close(): void;
}

function collector(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
}

/** Exit code from a v4 status: Success → 0, NonZeroExitCode → details.causes[ExitCode]. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = cause?.message === undefined ? Number.NaN : Number.parseInt(cause.message, 10);
  return Number.isNaN(code) ? -1 : code;
}

export async function execInPod(kc: KubeConfig, params: ExecParams): Promise<ExecResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdin = params.stdin === undefined ? null : new PassThrough();
  const exec = new Exec(kc);
  let resolveStatus: (s: V1Status) => void = () => undefined;
  const statusPromise = new Promise<V1Status>((resolve) => {
    resolveStatus = resolve;
  });
  // isomorphic-ws's types do not resolve under NodeNext; only these two members are used.
  const ws = (await exec.exec(
    params.namespace,
    params.pod,
    params.container,
    [...params.command],
    collector(out),
    collector(err),
    stdin,
    false,
    (s) => resolveStatus(s),
  )) as unknown as ExecSocket;
  if (stdin !== null && params.stdin !== undefined) stdin.write(params.stdin);
  const timeoutMs = params.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<never>((_, reject) => {
    ws.on("close", () => {
      // The status frame arrives before the close; give its callback a tick to run.
      setTimeout(() => reject(new Error(`exec ${params.command.join(" ")}: socket closed before a status arrived`)), 50);
    });
    timer = setTimeout(
      () => reject(new Error(`exec ${params.command.join(" ")}: no exit status after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const status = await Promise.race([statusPromise, closed]);
    return {
      exitCode: exitCodeOf(status),
      stdout: Buffer.concat(out).toString("utf8"),
      stderr: Buffer.concat(err).toString("utf8"),
      status,
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    stdin?.destroy();
    ws.close();
  }
}
