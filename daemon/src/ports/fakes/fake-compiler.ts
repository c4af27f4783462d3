/** An in-memory Compiler for engine tests: records requests and answers with queued results (default: a tiny artifact). */
import type { CompileRequest, CompileResult, Compiler } from "../compiler.js";

export interface FakeCompiler extends Compiler {
  readonly calls: readonly CompileRequest[];
  /** The next compile returns this (once); lines are sent to onLine first. */
  queue(result: CompileResult, lines?: readonly string[]): void;
  /** Shorthand: the next compile fails with this exit code and output. */
  failNext(exitCode: number, output: string): void;
}

export const createFakeCompiler = (): FakeCompiler => {
  const calls: CompileRequest[] = [];
  const queued: { result: CompileResult; lines: readonly string[] }[] = [];
  const timings = { totalMs: 1, runMs: 1 };
  return {
    calls,
    queue: (result, lines = []) => {
      queued.push({ result, lines });
    },
    failNext: (exitCode, output) => {
      queued.push({ result: { ok: false, exitCode, output, message: `compile failed: exit ${exitCode}`, timings }, lines: output.split("\n") });
    },
    close: () => Promise.resolve(),
    compile: (request, onLine) => {
      calls.push(request);
      const next = queued.shift() ?? {
        result: { ok: true, artifact: new TextEncoder().encode(`artifact of ${request.spec.service} #${calls.length}`), mode: 0o755, output: "", timings },
        lines: [],
      };
      for (const line of next.lines) onLine(line);
      return Promise.resolve(next.result);
    },
  };
};
