/**
 * The inside of the daemon's project-load worker (isolated-project-loader.ts runs the outside): the protocol, and
 * serveProjectLoads, which loads one project at a time with the loader it is given — the one the daemon would use
 * in its own thread (daemon/src/load-worker.ts wires it) — reading the disk, and posts each result back. Each file a
 * load has read is posted, so a load stopped by a limit can say where it was.
 */
import type { ProjectLoader, ProjectLoadRequest, ProjectLoadResult } from "../ports/project-loader.js";
import { nodeProjectFiles } from "../project/node-project-files.js";
import type { ProjectFiles } from "../project/project-files.js";

/** The daemon → the worker: one load at a time. */
export interface LoadMessage {
  readonly type: "load";
  readonly id: number;
  readonly request: ProjectLoadRequest;
}

/** The worker → the daemon. */
export type WorkerMessage =
  | { readonly type: "ready" }
  /** A file the load `id` has read (absolute path). */
  | { readonly type: "read"; readonly id: number; readonly path: string }
  /** A line for the daemon's debug log (the doctor's notes). */
  | { readonly type: "note"; readonly line: string }
  | { readonly type: "done"; readonly id: number; readonly result: ProjectLoadResult }
  /** The loader threw: the daemon reports it as it reports a throw of its own loader (DL-LOAD-001). */
  | { readonly type: "failed"; readonly id: number; readonly message: string };

export interface WorkerPort {
  postMessage(message: WorkerMessage): void;
  on(event: "message", listener: (message: LoadMessage) => void): unknown;
}

/** Answers each load message on `port` with the loader `loaderFor` makes on files that report their reads. */
export const serveProjectLoads = (port: WorkerPort, loaderFor: (files: ProjectFiles, note: (line: string) => void) => ProjectLoader): void => {
  let current = 0;
  const files: ProjectFiles = {
    readFile(path) {
      const text = nodeProjectFiles.readFile(path);
      if (text !== undefined) port.postMessage({ type: "read", id: current, path });
      return text;
    },
    exists: (path) => nodeProjectFiles.exists(path),
    isFile: (path) => nodeProjectFiles.isFile(path),
  };
  const loader = loaderFor(files, (line) => port.postMessage({ type: "note", line }));
  let queue = Promise.resolve();
  port.on("message", (message) => {
    queue = queue.then(async () => {
      current = message.id;
      try {
        port.postMessage({ type: "done", id: message.id, result: await loader.load(message.request) });
      } catch (error) {
        port.postMessage({ type: "failed", id: message.id, message: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  port.postMessage({ type: "ready" });
};
