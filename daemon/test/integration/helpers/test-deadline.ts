/**
 * Waits inside a test end before the test's own timeout (issue 14 item 11): a wait that runs out then fails with what
 * it was waiting for, rather than vitest's generic "Test timed out". In a hook there is no running test, and the
 * wait keeps the bound it was given (hooks set their own timeouts, above their waits).
 */
import { getCurrentTest } from "vitest/suite";

/** What a test keeps after its last wait: to report the wait's failure and run its own cleanup. */
export const reportMarginMs = 5_000;

/** `ms`, or less when the running test's timeout comes sooner (at least 1 s, so a late step still gets a try). */
export const withinTest = (ms: number): number => {
  const test = getCurrentTest();
  const started = test?.result?.startTime;
  if (test === undefined || started === undefined || !(test.timeout > 0)) return ms;
  return Math.max(1_000, Math.min(ms, started + test.timeout - reportMarginMs - Date.now()));
};

/**
 * Polls `check` every `everyMs` until it is true; past `timeoutMs` (or the running test's timeout, see withinTest)
 * throws "timed out after N ms waiting for <what>", so the step that hung is the one reported.
 */
export const waitUntil = async (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 200): Promise<void> => {
  const bound = withinTest(timeoutMs);
  const deadline = Date.now() + bound;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${bound} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
