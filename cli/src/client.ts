/**
 * Typed HTTP/SSE client for the daemon. Reads the port and token from the state directory; starts the daemon
 * detached when none answers (unless told not to). "Answers" is a health probe carrying the token, whose reply
 * must name the pid daemon.json names: a daemon killed with -9 (dead, or a zombie whose pid still signals) or a
 * stranger on the remembered port does not count, and a new daemon is started at once.
 */
import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { daemonEnv, daemonNodeFlags } from "../../daemon/src/api/daemon-process.js";
import { probeHealth } from "../../daemon/src/api/health-probe.js";
import { processState } from "../../daemon/src/api/process-state.js";
import type { DaemonInfo } from "../../daemon/src/api/state-dir.js";
import { kubeRequestHeaders } from "../../daemon/src/api/kube-target.js";
import { stateDir, stateFiles } from "../../daemon/src/api/state-dir.js";
import { DevloopError } from "../../daemon/src/errors/devloop-error.js";
import { RuntimeCodes } from "../../daemon/src/errors/runtime-codes.js";
import type { ApiError, DownRequest, LiveActionKind, LiveActionResponse, NamespaceInfo, PublicEvent, StateSnapshot, UpRequest, UpResponse } from "../../daemon/src/api/types.js";
import { UserError } from "./user-error.js";

/** A failure talking to the daemon: exit code 2. */
export class DaemonError extends DevloopError {
  override readonly name = "DaemonError";
  protected readonly defaultCode = RuntimeCodes.daemon.code;
}

export interface LogLine {
  readonly service: string;
  readonly pod: string;
  readonly container: string;
  readonly line?: string;
  readonly error?: string;
}

export interface DaemonClient {
  readonly info: DaemonInfo;
  state(): Promise<StateSnapshot>;
  up(request: UpRequest): Promise<UpResponse>;
  down(project: string, request: DownRequest): Promise<{ namespace?: string }>;
  useNamespace(project: string, namespace: string): Promise<void>;
  /** restart | resync | rebuild (one service, or all): answered as soon as the daemon has the request. */
  liveAction(project: string, kind: LiveActionKind, service?: string): Promise<LiveActionResponse>;
  namespaces(): Promise<readonly NamespaceInfo[]>;
  shutdown(): Promise<void>;
  /** A one-time sign-in link to the dashboard (sets the browser's session cookie; works once, for an hour). */
  dashboardUrl(): Promise<string>;
  /** Streams events until the signal aborts; reconnects with Last-Event-ID when the stream drops. */
  events(params: { since?: number; project?: string; signal: AbortSignal; onEvent: (event: PublicEvent) => void }): Promise<void>;
  logs(project: string, params: { services: readonly string[]; follow: boolean; tail?: number; sinceSeconds?: number; timestamps?: boolean; signal: AbortSignal; onLine: (line: LogLine) => void }): Promise<void>;
}

const readInfo = (dir: string): DaemonInfo | undefined => {
  try {
    return JSON.parse(readFileSync(stateFiles(dir).daemon, "utf8")) as DaemonInfo;
  } catch {
    return undefined;
  }
};

const readToken = (dir: string): string | undefined => {
  try {
    return readFileSync(stateFiles(dir).token, "utf8").trim();
  } catch {
    return undefined;
  }
};

/**
 * The daemon daemon.json names answers its health check, as itself (its pid), to our token. With anyPid, any
 * daemon that knows our token will do (the stream of a long `up` survives a daemon restart on the same port).
 */
const healthy = async (info: DaemonInfo, token: string | undefined, timeoutMs = 2000, anyPid = false): Promise<boolean> => {
  const answer = await probeHealth(info.port, token, timeoutMs);
  if (answer === undefined) return false;
  return anyPid ? typeof answer.pid === "number" : answer.pid === info.pid;
};

/** The last lines of the daemon log, for a daemon that exited before it answered. */
const logTail = (dir: string, lines = 5): string => {
  try {
    const text = readFileSync(stateFiles(dir).log, "utf8").trimEnd().split("\n");
    return text.slice(-lines).map((l) => `  ${l}`).join("\n");
  } catch {
    return "";
  }
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * healthy, with patience for a daemon whose process lives: on a loaded machine a busy daemon can miss a 2 s probe, and
 * starting a second one then would make it take the lock from a working daemon. A dead or zombie pid is not waited for.
 */
const answering = async (info: DaemonInfo, token: string | undefined): Promise<boolean> => {
  if (await healthy(info, token)) return true;
  const until = Date.now() + 10_000;
  while (processState(info.pid) === "alive" && Date.now() < until) {
    if (await healthy(info, token, 3000)) return true;
    await sleep(250);
  }
  return false;
};

/** The arguments after `node` that start `devloop daemon` (the daemon's Node flags first): the CLI's start and the supervisor's. */
export const daemonArgs = (context?: string): string[] => [
  ...daemonNodeFlags,
  fileURLToPath(new URL("../../bin/devloop.js", import.meta.url)),
  "daemon",
  ...(context === undefined ? [] : ["--context", context]),
];

/** Starts `devloop daemon` detached, its output going to the daemon log; `exited` settles if it ends. */
export const spawnDaemon = (dir: string, context?: string): { readonly exited: Promise<number | null> } => {
  const out = openSync(stateFiles(dir).log, "a", 0o600);
  const child = spawn(process.execPath, daemonArgs(context), {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, ...daemonEnv, DEVLOOP_STATE_DIR: dir },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.unref();
  return { exited };
};

export interface ConnectOptions {
  readonly stateDir?: string;
  /**
   * Start the daemon when none answers (default true); false never starts one; "after-crash" starts one only when
   * the last daemon died without stopping (daemon.json left behind, as after kill -9 or an OOM kill), so its
   * projects come back — the new daemon resumes them from state.json — without a new `up`.
   */
  readonly start?: boolean | "after-crash";
  readonly context?: string;
}

export const connectDaemon = async (options: ConnectOptions = {}): Promise<DaemonClient> => {
  const dir = options.stateDir ?? stateDir();
  let info = readInfo(dir);
  if (!info || !(await answering(info, readToken(dir)))) {
    if (options.start === false || (options.start === "after-crash" && info === undefined)) throw new UserError("no devloop daemon is running (devloop up starts one)");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const child = spawnDaemon(dir, options.context);
    let exitCode: number | null | undefined;
    void child.exited.then((code) => (exitCode = code));
    const deadline = Date.now() + 30_000;
    for (;;) {
      await sleep(100);
      const candidate = readInfo(dir);
      if (candidate && candidate.pid !== info?.pid && (await healthy(candidate, readToken(dir), 1000))) {
        info = candidate;
        break;
      }
      if (exitCode !== undefined) {
        // It may have lost a race to another CLI's daemon, which then answers.
        const other = readInfo(dir);
        if (other && (await healthy(other, readToken(dir)))) {
          info = other;
          break;
        }
        const tail = logTail(dir);
        throw new DaemonError(`the devloop daemon exited (code ${String(exitCode)}) before it answered; the end of ${stateFiles(dir).log}:${tail === "" ? " (empty)" : `\n${tail}`}`);
      }
      if (Date.now() > deadline) throw new DaemonError(`the devloop daemon did not start within 30s; see ${stateFiles(dir).log}`);
    }
  }
  const token = readFileSync(stateFiles(dir).token, "utf8").trim();
  const base = `http://127.0.0.1:${info.port}`;
  // Every call names the caller's kube target: the daemon serves it under that, never one captured at its start.
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...kubeRequestHeaders(options.context) };

  const request = async <T>(method: string, path: string, body?: unknown, okStatuses: readonly number[] = []): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      throw new DaemonError(`cannot reach the devloop daemon at ${base}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const json: unknown = await res.json().catch((): unknown => undefined);
    if (!res.ok && !okStatuses.includes(res.status)) {
      const e = (json as Partial<ApiError> | undefined)?.error;
      const message = e ? `${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}` : `${method} ${path}: HTTP ${res.status}`;
      if (res.status >= 400 && res.status < 500) throw new UserError(message);
      throw new DaemonError(message);
    }
    return json as T;
  };

  const stream = async (path: string, signal: AbortSignal, extraHeaders: Record<string, string>, onChunk: (text: string) => void): Promise<void> => {
    const res = await fetch(`${base}${path}`, { headers: { ...headers, ...extraHeaders }, signal });
    if (!res.ok || !res.body) throw new DaemonError(`GET ${path}: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) onChunk(decoder.decode(chunk, { stream: true }));
  };

  return {
    info,
    state: () => request<StateSnapshot>("GET", "/api/state"),
    up: (body) => request<UpResponse>("POST", "/api/projects", body, [422]),
    down: (project, body) => request<{ namespace?: string }>("POST", `/api/projects/${encodeURIComponent(project)}/down`, body),
    useNamespace: async (project, namespace) => {
      await request("POST", `/api/projects/${encodeURIComponent(project)}/namespace`, { namespace });
    },
    liveAction: (project, kind, service) => request<LiveActionResponse>("POST", `/api/projects/${encodeURIComponent(project)}/${kind}`, service === undefined ? {} : { service }),
    namespaces: () => request<readonly NamespaceInfo[]>("GET", "/api/namespaces"),
    shutdown: async () => {
      await request("POST", "/api/shutdown", {});
    },
    dashboardUrl: async () => (await request<{ url: string }>("POST", "/api/dashboard/login-link", {})).url,
    async events({ since, project, signal, onEvent }) {
      let last = since;
      while (!signal.aborted) {
        let buffer = "";
        try {
          const query = new URLSearchParams({ ...(project === undefined ? {} : { project }), ...(last === undefined ? {} : { since: String(last) }) });
          await stream(`/api/events?${query.toString()}`, signal, {}, (text) => {
            buffer += text;
            let end: number;
            while ((end = buffer.indexOf("\n\n")) !== -1) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
              if (data === "") continue;
              const event = JSON.parse(data) as PublicEvent;
              last = event.seq;
              onEvent(event);
            }
          });
        } catch (error) {
          if (signal.aborted) return;
          if (!(await healthy(info, token, 2000, true))) throw new DaemonError(`lost the devloop daemon: ${error instanceof Error ? error.message : String(error)}`);
        }
        await sleep(500);
      }
    },
    async logs(project, { services, follow, tail, sinceSeconds, timestamps, signal, onLine }) {
      const query = new URLSearchParams();
      for (const s of services) query.append("service", s);
      if (follow) query.set("follow", "1");
      if (tail !== undefined) query.set("tail", String(tail));
      if (sinceSeconds !== undefined) query.set("since", String(sinceSeconds));
      if (timestamps === true) query.set("timestamps", "1");
      let buffer = "";
      try {
        await stream(`/api/projects/${encodeURIComponent(project)}/logs?${query.toString()}`, signal, {}, (text) => {
          buffer += text;
          const lines = buffer.split("\n");
          buffer = lines.pop() ?? "";
          for (const l of lines) if (l !== "") onLine(JSON.parse(l) as LogLine);
        });
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    },
  };
};

/**
 * Which project a command means: -p, else the compose project in the working directory (loaded locally,
 * it is cheap and pure), else the only project the daemon runs.
 */
export const resolveProjectName = async (client: DaemonClient, projectName: string | undefined, loadName: () => string | undefined): Promise<string> => {
  if (projectName !== undefined) return projectName;
  const local = loadName();
  if (local !== undefined) return local;
  const projects = (await client.state()).projects;
  const only = projects[0];
  if (projects.length === 1 && only) return only.name;
  throw new UserError(projects.length === 0 ? "no project is running in the daemon" : `several projects run (${projects.map((p) => p.name).join(", ")}); name one with -p`);
};
