/**
 * post_start / pre_stop → the container's lifecycle.postStart / preStop exec handlers. Both run at the same
 * moments as in Compose (after the container starts, alongside its process / before the stop signal).
 * Kubernetes runs one command per hook, as the container's user, in its working directory, with its
 * environment (and, unlike command and args, does not expand $(VAR) in it, so nothing is escaped): several hooks run one after the other through /bin/sh (stopping at the first failure, as Compose
 * does), and a hook's user, privileged, working_dir and environment are reported when they cannot be kept.
 */
import type { LifecycleHookSpec, ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { shellQuote } from "./shell-quote.js";

export interface Lifecycle {
  readonly postStart?: { readonly exec: { readonly command: readonly string[] } };
  readonly preStop?: { readonly exec: { readonly command: readonly string[] } };
}

type HookKey = "post_start" | "pre_stop";

const reportDropped = (ctx: TranslateContext, service: ServiceSpec, key: HookKey, hook: LifecycleHookSpec, index: number): void => {
  const dropped = [
    hook.user !== undefined ? `user (${hook.user})` : undefined,
    hook.privileged === true ? "privileged" : undefined,
    hook.workingDir !== undefined ? `working_dir (${hook.workingDir})` : undefined,
    Object.keys(hook.environment).length > 0 ? `environment (${Object.keys(hook.environment).join(", ")})` : undefined,
  ].filter((d): d is string => d !== undefined);
  if (dropped.length === 0) return;
  ctx.report({
    code: TranslateCodes.lifecycleHookField,
    path: `services.${service.name}.${key}[${index}]`,
    message: `${key} hook ${index + 1}: ${dropped.join(", ")} cannot be set on a Kubernetes lifecycle hook; the command runs as the container's user, in its working directory, with its environment`,
    hint: "do what the field did inside the command (e.g. cd /dir && …) or drop it",
  });
};

const handler = (ctx: TranslateContext, service: ServiceSpec, key: HookKey, hooks: readonly LifecycleHookSpec[] | undefined): { exec: { command: readonly string[] } } | undefined => {
  const usable = (hooks ?? []).filter((h) => h.command.length > 0);
  hooks?.forEach((hook, i) => reportDropped(ctx, service, key, hook, i));
  const first = usable[0];
  if (first === undefined) return undefined;
  if (usable.length === 1) return { exec: { command: first.command } };
  ctx.report({
    code: TranslateCodes.lifecycleHooksChained,
    path: `services.${service.name}.${key}`,
    message: `${usable.length} ${key} hooks run as one /bin/sh -c command (Kubernetes has one command per hook); the image needs /bin/sh`,
  });
  const script = usable.map((h) => h.command.map(shellQuote).join(" ")).join(" && ");
  return { exec: { command: ["/bin/sh", "-c", script] } };
};

export const toLifecycle = (ctx: TranslateContext, service: ServiceSpec): Lifecycle | undefined => {
  const postStart = handler(ctx, service, "post_start", service.postStart);
  const preStop = handler(ctx, service, "pre_stop", service.preStop);
  if (postStart === undefined && preStop === undefined) return undefined;
  return { ...(postStart ? { postStart } : {}), ...(preStop ? { preStop } : {}) };
};
