/**
 * The daemon's ProjectLoader: every load runs in a worker thread (project-load-worker.ts) with a heap limit and a
 * time limit, so a project whose files blow up the load — past the compose limits, or through a bug — costs that
 * load and nothing else: the worker is ended, the load answers with a located diagnostic (DL-LOAD-002 memory,
 * DL-LOAD-003 time), and the daemon goes on serving every other project.
 *
 * One load per worker at a time (a load that hits a limit takes no other project's load down with it). A worker
 * that finished a load is kept idleMs for the next one (a compose edit's reload does not pay a worker's start);
 * loads at the same time start more. The limits come from DEVLOOP_LOAD_MEMORY_MB and DEVLOOP_LOAD_TIMEOUT_MS.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ResourceLimits } from "node:worker_threads";
import { Worker } from "node:worker_threads";
import type { Diagnostic } from "../errors/diagnostic.js";
import { ProjectLoadError } from "../errors/load-error.js";
import { RuntimeCodes } from "../errors/runtime-codes.js";
import type { ProjectLoader, ProjectLoadRequest, ProjectLoadResult } from "../ports/project-loader.js";
import type { LoadMessage, WorkerMessage } from "./project-load-worker.js";

export interface LoadLimits {
  /** The worker's V8 old generation, MiB: what one load may hold. */
  readonly memoryMb: number;
  /** From the request reaching a ready worker to its answer, ms (the doctor's image checks included). */
  readonly timeoutMs: number;
}

export const defaultLoadLimits: LoadLimits = { memoryMb: 512, timeoutMs: 60_000 };

/** DEVLOOP_LOAD_MEMORY_MB and DEVLOOP_LOAD_TIMEOUT_MS over the defaults (a value that is not a positive number is ignored). */
export const loadLimitsFromEnv = (env: Readonly<Record<string, string | undefined>>): LoadLimits => {
  const positive = (name: string): number | undefined => {
    const n = Number(env[name]);
    return env[name] !== undefined && env[name] !== "" && Number.isFinite(n) && n > 0 ? n : undefined;
  };
  return { memoryMb: positive("DEVLOOP_LOAD_MEMORY_MB") ?? defaultLoadLimits.memoryMb, timeoutMs: positive("DEVLOOP_LOAD_TIMEOUT_MS") ?? defaultLoadLimits.timeoutMs };
};

/** What the loader needs of a worker thread (node:worker_threads' Worker). */
export interface LoadWorker {
  postMessage(message: LoadMessage): void;
  on(event: "message", listener: (message: WorkerMessage) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "exit", listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

export interface IsolatedProjectLoaderParams {
  /** Starts a worker that serves loads (serveProjectLoads) with these limits. */
  readonly startWorker: (resourceLimits: ResourceLimits) => LoadWorker;
  readonly limits?: LoadLimits;
  /** How long a new worker may take to say it is ready (it loads the daemon's code first). */
  readonly startTimeoutMs?: number;
  /** How long a worker waits for another load before it is ended. */
  readonly idleMs?: number;
  /** Lines for the daemon's debug log. */
  readonly onNote?: (line: string) => void;
}

export interface IsolatedProjectLoader extends ProjectLoader {
  /** Ends every worker (daemon shutdown). */
  close(): Promise<void>;
}

type Outcome =
  | { readonly kind: "done"; readonly result: ProjectLoadResult }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "memory" }
  | { readonly kind: "time" }
  | { readonly kind: "died"; readonly why: string };

interface Slot {
  readonly worker: LoadWorker;
  readonly ready: Promise<void>;
  dead: boolean;
  /** The load in progress: messages and the worker's end go to it. */
  current?: { readonly id: number; readonly settle: (outcome: Outcome) => void; readonly read: string[] };
  idleTimer?: NodeJS.Timeout;
}

const mib = (n: number): string => `${n} MiB`;

/** The diagnostic of a load a limit stopped: at the project's first file, naming the last file the load read. */
export const limitDiagnostic = (kind: "memory" | "time", limits: LoadLimits, read: readonly string[], cwd: string): Diagnostic => {
  const shown = (file: string): string => {
    const rel = path.relative(cwd, file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
  };
  const first = read[0];
  const last = read[read.length - 1];
  const where = last === undefined ? "before it read any file" : `after reading ${shown(last)}`;
  const memory = kind === "memory";
  const message = memory
    ? `loading the project needed more memory than the daemon allows one load (${mib(limits.memoryMb)}); it was stopped ${where}`
    : `loading the project took longer than the daemon allows one load (${limits.timeoutMs / 1000} s); it was stopped ${where}`;
  return new ProjectLoadError(message, {
    code: memory ? RuntimeCodes.loadMemory.code : RuntimeCodes.loadTime.code,
    ...(first === undefined ? {} : { location: { file: shown(first), line: 0, column: 0, keyPath: "" } }),
    expected: memory ? `a load that holds at most ${mib(limits.memoryMb)}` : `a load that ends within ${limits.timeoutMs / 1000} s`,
    got: memory ? "more: the load's worker ran out of memory" : "no answer in time: the load's worker was ended",
    hint: `a file this large, or values expanded this far, is likely a mistake; ${memory ? "DEVLOOP_LOAD_MEMORY_MB" : "DEVLOOP_LOAD_TIMEOUT_MS"} in the daemon's environment raises the limit`,
  }).toDiagnostic();
};

export const createIsolatedProjectLoader = (params: IsolatedProjectLoaderParams): IsolatedProjectLoader => {
  const limits = params.limits ?? defaultLoadLimits;
  const startTimeoutMs = params.startTimeoutMs ?? 60_000;
  const idleMs = params.idleMs ?? 30_000;
  const idle: Slot[] = [];
  const all = new Set<Slot>();
  let nextId = 0;
  let closed = false;

  const end = (slot: Slot): void => {
    slot.dead = true;
    clearTimeout(slot.idleTimer);
    all.delete(slot);
    const i = idle.indexOf(slot);
    if (i >= 0) idle.splice(i, 1);
    void slot.worker.terminate().catch(() => undefined);
  };

  const start = (): Slot => {
    const worker = params.startWorker({ maxOldGenerationSizeMb: limits.memoryMb });
    let readyResolve: () => void = () => undefined;
    let readyReject: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    // Awaited by the load that started the worker; a failure before that is its answer, not an unhandled rejection.
    ready.catch(() => undefined);
    const slot: Slot = { worker, ready, dead: false };
    all.add(slot);
    const startTimer = setTimeout(() => readyReject(new Error(`the project loader's worker did not start within ${startTimeoutMs / 1000} s`)), startTimeoutMs);
    worker.on("message", (message) => {
      if (message.type === "ready") {
        clearTimeout(startTimer);
        readyResolve();
      } else if (message.type === "note") params.onNote?.(message.line);
      else if (slot.current?.id !== message.id) return;
      else if (message.type === "read") slot.current.read.push(message.path);
      else if (message.type === "done") slot.current.settle({ kind: "done", result: message.result });
      else slot.current.settle({ kind: "failed", message: message.message });
    });
    const gone = (outcome: Outcome, why: string): void => {
      clearTimeout(startTimer);
      slot.dead = true;
      all.delete(slot);
      const i = idle.indexOf(slot);
      if (i >= 0) idle.splice(i, 1);
      clearTimeout(slot.idleTimer);
      readyReject(new Error(why));
      slot.current?.settle(outcome);
    };
    worker.on("error", (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ERR_WORKER_OUT_OF_MEMORY") gone({ kind: "memory" }, "the project loader's worker ran out of memory");
      else gone({ kind: "died", why: error.message }, `the project loader's worker failed: ${error.message}`);
    });
    worker.on("exit", (code) => gone({ kind: "died", why: `its worker exited (code ${code})` }, `the project loader's worker exited (code ${code})`));
    return slot;
  };

  const run = (slot: Slot, request: ProjectLoadRequest): Promise<{ outcome: Outcome; read: readonly string[] }> =>
    new Promise((resolve) => {
      const id = ++nextId;
      const read: string[] = [];
      const timer = setTimeout(() => {
        settle({ kind: "time" });
        end(slot);
      }, limits.timeoutMs);
      let settled = false;
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        slot.current = undefined;
        resolve({ outcome, read });
      };
      slot.current = { id, settle, read };
      slot.worker.postMessage({ type: "load", id, request });
    });

  const release = (slot: Slot): void => {
    if (slot.dead) return;
    if (closed || idle.length > 0) {
      end(slot);
      return;
    }
    idle.push(slot);
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => end(slot), idleMs);
    slot.idleTimer.unref();
  };

  return {
    async load(request) {
      if (closed) throw new Error("the daemon is shutting down");
      const slot = idle.pop() ?? start();
      clearTimeout(slot.idleTimer);
      slot.worker.ref();
      await slot.ready;
      const { outcome, read } = await run(slot, request);
      switch (outcome.kind) {
        case "done":
          release(slot);
          return outcome.result;
        case "failed":
          release(slot);
          throw new Error(outcome.message);
        case "memory":
        case "time":
          params.onNote?.(`a project load in ${request.options.cwd} hit the ${outcome.kind} limit; its worker was ended`);
          return { ok: false, diagnostics: [limitDiagnostic(outcome.kind, limits, read, request.options.cwd)] };
        case "died":
          throw new Error(`the load stopped: ${outcome.why}`);
      }
    },
    async close() {
      closed = true;
      await Promise.allSettled([...all].map(async (slot) => {
        slot.dead = true;
        clearTimeout(slot.idleTimer);
        await slot.worker.terminate();
      }));
      all.clear();
      idle.length = 0;
    },
  };
};

/**
 * Starts the worker from the same build as this daemon: the module bin/devloop.js ran (it names it in
 * DEVLOOP_WORKER_ENTRY: the run-time bundle or the package's dist/main.mjs), as the CLI's hidden `__load-worker`
 * command; without one (the sources through tsx), bin/devloop.js again with DEVLOOP_FROM_SOURCE=1.
 */
export const startCliWorker = (resourceLimits: ResourceLimits, env: NodeJS.ProcessEnv = process.env): LoadWorker => {
  const entry = env["DEVLOOP_WORKER_ENTRY"];
  const bin = fileURLToPath(new URL("../../../bin/devloop.js", import.meta.url));
  return new Worker(entry !== undefined && entry !== "" ? entry : bin, {
    argv: ["__load-worker"],
    resourceLimits,
    env: entry !== undefined && entry !== "" ? env : { ...env, DEVLOOP_FROM_SOURCE: "1" },
  });
};
