/**
 * A vitest reporter for scripts/test-all: vitest's JSON report gives a file whose beforeAll failed a status "failed"
 * with an empty message and its tests "skipped", so the summary line read them as skipped. This reporter writes,
 * to the file named by DEVLOOP_HOOK_FAILURES (JSON lines), each suite or file that failed outside any test: where,
 * the first line of each error, and how many of its tests did not pass (they are counted as failed, not skipped).
 */
import { appendFileSync } from "node:fs";
import { relative } from "node:path";
import type { RunnerTask, RunnerTestFile } from "vitest";
import type { Reporter } from "vitest/reporters";

export interface HookFailure {
  readonly file: string;
  readonly suite: string;
  readonly errors: readonly string[];
  /** Tests under the suite that its failure kept from running (vitest marks them "skip" with a result; an it.skip has none). */
  readonly testsNotPassed: number;
}

const testsOf = (task: RunnerTask): RunnerTask[] => (task.type === "suite" ? task.tasks.flatMap(testsOf) : [task]);

const suiteName = (task: RunnerTask): string => {
  const names: string[] = [];
  for (let t: RunnerTask | undefined = task; t !== undefined && t.type === "suite" && !("filepath" in t); t = t.suite) names.unshift(t.name);
  return names.join(" > ");
};

/** Suites and files whose own result failed (a hook, or collection) rather than one of their tests. */
export const hookFailures = (files: readonly RunnerTestFile[], root: string): HookFailure[] => {
  const found: HookFailure[] = [];
  const visit = (task: RunnerTask, file: RunnerTestFile): void => {
    if (task.type !== "suite") return;
    const errors = task.result?.errors ?? [];
    if (task.result?.state === "fail" && errors.length > 0) {
      found.push({
        file: relative(root, file.filepath),
        suite: suiteName(task),
        errors: errors.map((e) => String(e.message).split("\n")[0] ?? ""),
        testsNotPassed: testsOf(task).filter((t) => t.result?.state === "skip").length,
      });
    }
    for (const child of task.tasks) visit(child, file);
  };
  for (const file of files) visit(file, file);
  return found;
};

// vitest loads a reporter file by its default export.
// eslint-disable-next-line no-restricted-exports
export default class HookFailuresReporter implements Reporter {
  // onFinished hands over the whole task tree with each suite's own errors (the hook's).
  onFinished(files: RunnerTestFile[] = []): void {
    const out = process.env["DEVLOOP_HOOK_FAILURES"];
    if (out === undefined || out === "") return;
    for (const f of hookFailures(files, process.cwd())) appendFileSync(out, `${JSON.stringify(f)}\n`);
  }
}
