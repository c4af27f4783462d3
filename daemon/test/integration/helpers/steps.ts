/**
 * Tests that build on the ones before them in the same describe (one project brought up once, then edited step by
 * step: an answer, a manifest, a signed-in page carried from one test to the next). `const step = inOrder()`, then
 * `step(name, fn, timeout)` where `it` was: each step runs only when every earlier step passed; after a failure the
 * later steps fail at once naming the step they build on, so the dependency is written down and a failure is
 * reported where it happened, not as timeouts further on.
 */
import { it } from "vitest";

export const inOrder = (): ((name: string, fn: () => Promise<void>, timeoutMs?: number) => void) => {
  let failed: string | undefined;
  return (name, fn, timeoutMs) =>
    it(
      name,
      async () => {
        if (failed !== undefined) throw new Error(`not run: this step builds on "${failed}", which failed`);
        try {
          await fn();
        } catch (error) {
          failed ??= name;
          throw error;
        }
      },
      timeoutMs,
    );
};
