/** services.*.post_start / pre_stop: a list of hooks, each a command with optional user, privileged, working_dir, environment. */
import { normalizeCommand } from "./command.js";
import type { LNode } from "./located.js";
import { get, joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { LifecycleHookSpec } from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const normalizeLifecycleHooks = (ctx: NormalizeContext, node: LNode | undefined, p: string): LifecycleHookSpec[] | undefined => {
  if (node === undefined) return undefined;
  if (node.kind !== "seq") {
    ctx.wrongType(node, p, "a list of hooks ({command, user, privileged, working_dir, environment})");
    return undefined;
  }
  const hooks: LifecycleHookSpec[] = [];
  node.items.forEach((item, i) => {
    const hp = joinPath(p, i);
    const m = ctx.map(item, hp);
    if (!m) return;
    const command = normalizeCommand(ctx, get(m, "command"), `${hp}.command`);
    if (!command) {
      ctx.report("wrongType", m, hp, `${hp} needs a command`, { expected: 'command: ["./notify", "started"]' });
      return;
    }
    const environment: Record<string, string> = {};
    for (const [k, { value }] of ctx.strMap(get(m, "environment"), `${hp}.environment`) ?? []) if (value !== null) environment[k] = value;
    const hook: Mutable<LifecycleHookSpec> = { command, environment };
    const user = ctx.str(get(m, "user"), `${hp}.user`);
    if (user !== undefined) hook.user = user;
    const privileged = ctx.bool(get(m, "privileged"), `${hp}.privileged`);
    if (privileged !== undefined) hook.privileged = privileged;
    const workingDir = ctx.str(get(m, "working_dir"), `${hp}.working_dir`);
    if (workingDir !== undefined) hook.workingDir = workingDir;
    hooks.push(hook);
  });
  return hooks;
};
