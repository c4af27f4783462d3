import type { RunnerTestFile } from "vitest";
import { describe, expect, it } from "vitest";
import { hookFailures } from "./hook-failures-reporter.js";

/** The shape vitest hands onFinished after a beforeAll threw (seen on vitest 3.2: the error on the suite, its tests "skip"). */
const file = (): RunnerTestFile => {
  const f = { type: "suite", name: "a.test.ts", filepath: "/r/a.test.ts", mode: "run", result: { state: "fail" }, tasks: [] as unknown[] };
  const failing = { type: "suite", name: "d", mode: "run", suite: undefined, file: f, result: { state: "fail", errors: [{ message: "bed not ready: no pod web\n    at x" }] }, tasks: [] as unknown[] };
  failing.tasks.push(
    { type: "test", name: "x", mode: "skip", suite: failing, result: { state: "skip" } },
    { type: "test", name: "y", mode: "skip", suite: failing, result: { state: "skip" } },
  );
  const skipped = { type: "suite", name: "s", mode: "skip", file: f, result: { state: "skip" }, tasks: [] as unknown[] };
  skipped.tasks.push({ type: "test", name: "w", mode: "skip", suite: skipped });
  const passing = { type: "suite", name: "e", mode: "run", file: f, result: { state: "pass" }, tasks: [] as unknown[] };
  passing.tasks.push({ type: "test", name: "z", mode: "run", suite: passing, result: { state: "pass" } });
  f.tasks.push(failing, skipped, passing);
  return f as unknown as RunnerTestFile;
};

describe("hookFailures", () => {
  it("names the suite whose hook failed, its error's first line, and the tests it kept from running", () => {
    expect(hookFailures([file()], "/r")).toEqual([{ file: "a.test.ts", suite: "d", errors: ["bed not ready: no pod web"], testsNotPassed: 2 }]);
  });

  it("finds nothing in a run whose suites passed or were skipped on purpose", () => {
    const f = file();
    f.tasks.splice(0, 1);
    expect(hookFailures([f], "/r")).toEqual([]);
  });
});
