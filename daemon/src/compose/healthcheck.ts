/** services.*.healthcheck: test forms (string → CMD-SHELL, CMD / CMD-SHELL / NONE lists; none → the image's), durations in ms. */
import type { LNode } from "./located.js";
import { get } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { HealthcheckSpec } from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const normalizeHealthcheck = (ctx: NormalizeContext, node: LNode | undefined, p: string): HealthcheckSpec | undefined => {
  const m = ctx.map(node, p);
  if (!m) return undefined;
  const testNode = get(m, "test");
  let test: string[] = [];
  if (testNode !== undefined) {
    if (testNode.kind === "scalar" && typeof testNode.value === "string") test = ["CMD-SHELL", testNode.value];
    else {
      const list = ctx.strList(testNode, `${p}.test`) ?? [];
      const head = list[0];
      if (list.length > 0 && head !== "CMD" && head !== "CMD-SHELL" && head !== "NONE") {
        ctx.report("invalidHealthcheck", testNode, `${p}.test`, "a healthcheck test list must start with CMD, CMD-SHELL or NONE", {
          expected: '["CMD", "curl", "-f", "http://localhost"], ["CMD-SHELL", "curl -f http://localhost"] or a string',
          got: JSON.stringify(list),
          hint: `put "CMD" first: ${JSON.stringify(["CMD", ...list])}`,
        });
      } else if (head === "CMD-SHELL" && list.length !== 2) {
        ctx.report("invalidHealthcheck", testNode, `${p}.test`, "CMD-SHELL takes exactly one command string", { expected: '["CMD-SHELL", "one shell command"]', got: JSON.stringify(list) });
      } else if (head === "CMD" && list.length < 2) {
        ctx.report("invalidHealthcheck", testNode, `${p}.test`, "CMD needs a command", { expected: '["CMD", "program", "arg", …]', got: JSON.stringify(list) });
      }
      test = list;
    }
  }
  // No test: the image's HEALTHCHECK runs with these fields over its own (translate/image-healthcheck.ts), as in Compose.
  const disable = ctx.bool(get(m, "disable"), `${p}.disable`) ?? test[0] === "NONE";
  const spec: Mutable<HealthcheckSpec> = { test: disable && test.length === 0 ? ["NONE"] : test, disable };
  const interval = ctx.duration(get(m, "interval"), `${p}.interval`);
  if (interval !== undefined) spec.interval = interval;
  const timeout = ctx.duration(get(m, "timeout"), `${p}.timeout`);
  if (timeout !== undefined) spec.timeout = timeout;
  const startPeriod = ctx.duration(get(m, "start_period"), `${p}.start_period`);
  if (startPeriod !== undefined) spec.startPeriod = startPeriod;
  const startInterval = ctx.duration(get(m, "start_interval"), `${p}.start_interval`);
  if (startInterval !== undefined) spec.startInterval = startInterval;
  const retries = ctx.num(get(m, "retries"), `${p}.retries`, { integer: true, min: 0 });
  if (retries !== undefined) spec.retries = retries;
  return spec;
};
