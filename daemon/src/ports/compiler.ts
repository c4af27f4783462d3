/**
 * Compiling a service in a compiler container (x-devloop.compile). The engine calls compile() on a source change;
 * on success it syncs `artifact` to `spec.target` in the running container and restarts the process; on failure it
 * keeps the running version and shows `output`. compile() never rejects for a compiler error, only returns ok: false.
 */
import type { CompileSpec } from "../compile/compile-spec.js";

export interface CompileRequest {
  readonly project: string;
  readonly spec: CompileSpec;
}

export interface CompileTimings {
  /** Whole call, container create → artifact in memory. */
  readonly totalMs: number;
  /** The compiler process itself (container start → exit). */
  readonly runMs: number;
}

export type CompileResult =
  | {
      readonly ok: true;
      /** The artifact's bytes and permission bits (e.g. 0o755). */
      readonly artifact: Uint8Array;
      readonly mode: number;
      readonly output: string;
      readonly timings: CompileTimings;
    }
  | {
      readonly ok: false;
      /** The compiler's exit code, or -1 when it never ran (image missing, engine down, artifact missing). */
      readonly exitCode: number;
      /** The compiler's output (stdout and stderr interleaved) or the reason it did not run. */
      readonly output: string;
      /** One line for the status view: "compile api: exit 1" + first error line. */
      readonly message: string;
      readonly timings: CompileTimings;
    };

export interface Compiler {
  compile(request: CompileRequest, onLine: (line: string) => void): Promise<CompileResult>;
  /** Removes kept compiler containers (cache volumes stay). Call on daemon shutdown. */
  close(): Promise<void>;
}
