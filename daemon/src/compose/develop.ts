/** services.*.develop.watch: action, path, target, ignore, include, initial_sync, exec. */
import path from "node:path";
import type { LNode } from "./located.js";
import { get } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { WatchRuleSpec } from "./types.js";
import { normalizeCommand } from "./command.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const WATCH_ACTIONS = ["sync", "rebuild", "sync+restart", "sync+exec", "restart"] as const;

/**
 * A sync target is where files land in the container: an absolute path below / without ".." segments. Checked here
 * so `validate` refuses what sync would refuse later (or worse, resolve: /app/../../etc/x is /etc/x).
 */
export const syncTargetProblem = (target: string): { message: string; expected: string } | undefined => {
  if (!target.startsWith("/")) {
    return { message: `the sync target ${JSON.stringify(target)} is relative; it must be an absolute path in the container`, expected: "an absolute path such as /app/src" };
  }
  const segments = target.split("/");
  if (segments.includes("..")) {
    return {
      message: `the sync target ${JSON.stringify(target)} has a ".." segment (it would resolve to ${path.posix.normalize(target)})`,
      expected: "an absolute path without .. segments, such as /app/src",
    };
  }
  if (segments.every((s) => s === "" || s === ".")) {
    return { message: `the sync target ${JSON.stringify(target)} is the container's root directory`, expected: "a directory below /, such as /app" };
  }
  return undefined;
};

const checkSyncTarget = (ctx: NormalizeContext, node: LNode, p: string, target: string): void => {
  const problem = syncTargetProblem(target);
  if (problem) ctx.report("invalidSyncTarget", node, p, problem.message, { expected: problem.expected, got: JSON.stringify(target) });
};

export const normalizeDevelop = (ctx: NormalizeContext, node: LNode | undefined, p: string, home: string | undefined): WatchRuleSpec[] | undefined => {
  const m = ctx.map(node, p);
  if (!m) return undefined;
  const watch = get(m, "watch");
  if (watch === undefined) return [];
  if (watch.kind !== "seq") {
    ctx.wrongType(watch, `${p}.watch`, "a list of watch rules");
    return [];
  }
  const rules: WatchRuleSpec[] = [];
  watch.items.forEach((item, i) => {
    const rp = `${p}.watch[${i}]`;
    const r = ctx.map(item, rp);
    if (!r) {
      if (item.kind === "scalar" && item.value === null) ctx.wrongType(item, rp, "a watch rule mapping");
      return;
    }
    const actionNode = get(r, "action");
    const pathNode = get(r, "path");
    if (actionNode === undefined) ctx.report("invalidWatch", r, rp, "a watch rule needs an action", { expected: `action: one of ${WATCH_ACTIONS.join(", ")}` });
    if (pathNode === undefined) ctx.report("invalidWatch", r, rp, "a watch rule needs a path", { expected: "path: ./src" });
    const action = ctx.oneOf(actionNode, `${rp}.action`, WATCH_ACTIONS);
    const hostPath = ctx.str(pathNode, `${rp}.path`);
    const targetNode = get(r, "target");
    const target = ctx.str(targetNode, `${rp}.target`);
    if (target !== undefined && targetNode !== undefined) checkSyncTarget(ctx, targetNode, `${rp}.target`, target);
    if (action !== undefined && action.startsWith("sync") && target === undefined) {
      ctx.report("invalidWatch", actionNode ?? r, rp, `a ${action} rule needs a target (the path in the container)`, { expected: "target: /app/src" });
    }
    const execNode = get(r, "exec");
    if (action === "sync+exec" && execNode === undefined) {
      ctx.report("invalidWatch", actionNode ?? r, rp, "a sync+exec rule needs exec.command", { expected: "exec: {command: [...]}" });
    }
    let exec: Mutable<NonNullable<WatchRuleSpec["exec"]>> | undefined;
    const em = ctx.map(execNode, `${rp}.exec`);
    if (em) {
      const command = normalizeCommand(ctx, get(em, "command"), `${rp}.exec.command`);
      if (!command) ctx.report("invalidWatch", em, `${rp}.exec`, "exec needs a command", { expected: 'command: ["npm", "install"]' });
      const environment: Record<string, string> = {};
      for (const [k, { value }] of ctx.strMap(get(em, "environment"), `${rp}.exec.environment`) ?? []) if (value !== null) environment[k] = value;
      exec = { command: command ?? [], environment };
      const user = ctx.str(get(em, "user"), `${rp}.exec.user`);
      if (user !== undefined) exec.user = user;
      const wd = ctx.str(get(em, "working_dir"), `${rp}.exec.working_dir`);
      if (wd !== undefined) exec.workingDir = wd;
      const privileged = ctx.bool(get(em, "privileged"), `${rp}.exec.privileged`);
      if (privileged !== undefined) exec.privileged = privileged;
    }
    const ignore = ctx.strList(get(r, "ignore"), `${rp}.ignore`, { single: true }) ?? [];
    const include = ctx.strList(get(r, "include"), `${rp}.include`, { single: true }) ?? [];
    const initialSync = ctx.bool(get(r, "initial_sync"), `${rp}.initial_sync`) ?? false;
    if (action === undefined || hostPath === undefined || pathNode === undefined) return;
    const abs = hostPath.startsWith("~") ? path.join(home ?? "~", hostPath.slice(1)) : path.resolve(pathNode.loc.baseDir, hostPath);
    rules.push({ action, path: abs, ignore, include, initialSync, ...(target !== undefined ? { target } : {}), ...(exec ? { exec } : {}) });
  });
  return rules;
};
