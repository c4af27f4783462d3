/**
 * The live loop's side of one service (issue 5): develop.watch rules and x-devloop.compile → the sync controller's
 * ServiceLive, plus what the pod needs for it:
 *   seeded emptyDirs  every container directory devloop syncs into (a sync rule's target, a file rule's target
 *                     parent, the compile target's parent) becomes an emptyDir "devloop-sync-<n>" that the
 *                     "devloop-seed" init container fills with the image's content of that directory, so the image's
 *                     other files stay visible and what devloop syncs survives a process restart;
 *   the supervisor    (supervisor/supervisor.ts) when a change restarts the process: the runDir memory volume, and the
 *                     command line run under it — wrapped here when compose gives it, or the pod template marked
 *                     (superviseImageCommandAnnotation) so the engine wraps the built image's ENTRYPOINT/CMD.
 * Pure: whether a watch path is a file and the compiler presets come in through TranslateOptions.
 */
import path from "node:path";
import { parseCompileSpec, type CompileSpec } from "../compile/compile-spec.js";
import type { ServiceSpec, WatchAction, WatchRuleSpec } from "../compose/types.js";
import { runDir, runVolume } from "../supervisor/supervisor.js";
import { bindRules, sameAsBind } from "./bind-mounts.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { xDevloop } from "./devloop-extension.js";
import { escapeKubeExpansion } from "./escape.js";
import type { PodVolume, VolumeMount } from "./pod-volumes.js";
import { formatBytes, formatCpu } from "./quantities.js";
import { shellQuote } from "./shell-quote.js";
import type { LiveRule, ServiceLive, SyncMapping } from "./types.js";

const posix = path.posix;

/** Name of the init container that copies the image's content into the seeded emptyDirs. */
export const seedContainerName = "devloop-seed";
/** Where the seed init container mounts seeded volume n. */
export const seedMountRoot = "/.devloop-seed";
export const seedVolumeName = (n: number): string => `devloop-sync-${n}`;

const SYNC_ACTIONS: ReadonlySet<WatchAction> = new Set<WatchAction>(["sync", "sync+restart", "sync+exec"]);
/** The seed container's requests: it only copies files. Never above the app container's limits (see seedResources). */
const SEED_CPU = 0.01;
const SEED_MEMORY = 32 * 1024 ** 2;

export interface LivePlan {
  /** Absent when the service has neither develop.watch rules nor a valid x-devloop.compile. */
  readonly live?: ServiceLive;
  /** Seeded emptyDirs, then the supervisor's runVolume. */
  readonly volumes: readonly PodVolume[];
  /** The app container's mounts of those volumes (listed before the compose mounts: they are the outer directories). */
  readonly mounts: readonly VolumeMount[];
  /** Seeded directory → its volume's index n (only directories that got a volume). */
  readonly seeded: readonly { readonly dir: string; readonly volume: string; readonly n: number }[];
  /**
   * "wrap": run the container's command line under the supervisor; "annotate": mark the pod template so the engine
   * wraps the built image's ENTRYPOINT + CMD at apply; absent: no supervisor.
   */
  readonly supervise?: "wrap" | "annotate";
}

const isInside = (dir: string, p: string): boolean => p === dir || dir === "/" || p.startsWith(`${dir}/`);
const clean = (p: string): string => {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
};

const liveRule = (ctx: TranslateContext, service: ServiceSpec, rule: WatchRuleSpec, index: number, isFile: boolean): LiveRule | undefined => {
  const sync = SYNC_ACTIONS.has(rule.action);
  if (sync && rule.target === undefined) return undefined; // the loader already refuses it
  const target = rule.target === undefined ? undefined : clean(rule.target);
  if (sync && isFile && target !== undefined && posix.basename(target) !== path.basename(rule.path)) {
    ctx.report({
      code: TranslateCodes.watchFileRenamed,
      path: `services.${service.name}.develop.watch[${index}].target`,
      message: `develop.watch[${index}] syncs the file ${path.basename(rule.path)} to ${target}, another name; devloop syncs a file under its own name, so this rule is dropped`,
      expected: `a target ending in /${path.basename(rule.path)}`,
      got: target,
      hint: `use target: ${posix.join(posix.dirname(target), path.basename(rule.path))}, or watch the file's directory`,
    });
    return undefined;
  }
  if (rule.exec?.privileged === true) {
    ctx.report({
      code: TranslateCodes.ignoredKey,
      path: `services.${service.name}.develop.watch[${index}].exec.privileged`,
      message: `develop.watch[${index}].exec.privileged is ignored: the command runs over kubectl exec with the container's own privileges`,
    });
  }
  const context = service.build?.context;
  return {
    id: `${service.name}:watch[${index}]`,
    action: rule.action,
    path: rule.path,
    localRoot: isFile ? path.dirname(rule.path) : rule.path,
    ...(sync && target !== undefined ? { targetDir: isFile ? posix.dirname(target) : target } : {}),
    ...(isFile ? { only: path.basename(rule.path) } : {}),
    ignore: rule.ignore,
    include: rule.include,
    ...(context !== undefined && isInsideHost(context, rule.path) ? { contextDir: context } : {}),
    initialSync: rule.initialSync,
    ...(rule.exec
      ? {
          exec: {
            command: rule.exec.command,
            ...(rule.exec.user === undefined ? {} : { user: rule.exec.user }),
            ...(rule.exec.workingDir === undefined ? {} : { workingDir: rule.exec.workingDir }),
            environment: rule.exec.environment,
          },
        }
      : {}),
  };
};

const isInsideHost = (dir: string, file: string): boolean => {
  const rel = path.relative(dir, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
};

/** The compile spec, its diagnostics added to the translation's (they are errors: the project does not load). */
const compileSpec = (ctx: TranslateContext, service: ServiceSpec): CompileSpec | undefined => {
  const result = parseCompileSpec(ctx.project, service, ctx.options.compilerPresets ?? {});
  if (result.ok) return result.spec;
  ctx.diagnostics.push(...result.diagnostics);
  return undefined;
};

/** Container directories to seed: outermost only (an ancestor's copy already holds the rest). */
export const seedDirectories = (dirs: readonly string[]): string[] => {
  const sorted = [...new Set(dirs.map(clean))].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const dir of sorted) if (!kept.some((k) => isInside(k, dir))) kept.push(dir);
  return kept.sort();
};

export interface LiveParams {
  /** The app container's name. */
  readonly container: string;
  /** The app container's compose mounts (volumes, secrets, configs, shm). */
  readonly composeMounts: readonly VolumeMount[];
  /** Directory bind mounts of source (pod-volumes.ts): filled before the app starts, then synced (bind-mounts.ts). */
  readonly binds: readonly SyncMapping[];
}

export const planLive = (ctx: TranslateContext, service: ServiceSpec, params: LiveParams): LivePlan => {
  const watch = service.develop?.watch ?? [];
  const hasCompileKey = xDevloop(service.extensions)["compile"] !== undefined;
  if (watch.length === 0 && !hasCompileKey && params.binds.length === 0) return { volumes: [], mounts: [], seeded: [] };
  const files = new Set(ctx.options.watchFiles ?? []);
  const watchRules = watch.flatMap((rule, index) => liveRule(ctx, service, rule, index, files.has(rule.path)) ?? []);
  // A bind's own rule, unless a develop.watch rule already syncs that directory to that target.
  const binds = bindRules(service, params.binds, params.composeMounts);
  // A watch rule that fills a bind also brings the container's changes back, as the bind would.
  const watchOrBind = watchRules.map((r) => {
    const bind = binds.find((b) => sameAsBind(r, b));
    return bind?.pull === undefined ? r : { ...r, pull: bind.pull };
  });
  const bindFills = binds.map((bind) => watchOrBind.find((r) => sameAsBind(r, bind)) ?? bind);
  const rules = [...watchOrBind, ...bindFills.filter((r) => !watchOrBind.includes(r))];
  const compile = hasCompileKey ? compileSpec(ctx, service) : undefined;
  if (rules.length === 0 && compile === undefined) return { volumes: [], mounts: [], seeded: [] };
  const mountedDirs = params.composeMounts.filter((m) => m.subPath === undefined).map((m) => m.mountPath);

  const syncDirs = [
    ...rules.flatMap((r) => (r.targetDir === undefined ? [] : [r.targetDir])),
    ...(compile ? [posix.dirname(clean(compile.target))] : []),
  ];
  // "/" cannot be a volume; what is synced there lives in the container's writable layer.
  const seededDirs = seedDirectories(syncDirs.filter((d) => clean(d) !== "/"));
  const volumes: PodVolume[] = [];
  const mounts: VolumeMount[] = [];
  const seeded: { dir: string; volume: string; n: number }[] = [];
  for (const dir of seededDirs) {
    // Already a volume (a bind mount's synced emptyDir, a named volume, …): what is synced there survives a restart
    // too, so it still counts as seeded, but it gets no seeded volume of its own.
    if (mountedDirs.some((m) => isInside(clean(m), dir))) continue;
    const n = seeded.length;
    const volume = seedVolumeName(n);
    seeded.push({ dir, volume, n });
    volumes.push({ name: volume, emptyDir: {} });
    mounts.push({ name: volume, mountPath: dir });
  }

  const needsRestart = compile !== undefined || rules.some((r) => r.action === "sync+restart" || r.action === "restart");
  const entrypoint = service.entrypoint;
  const entrypointReset = entrypoint === null || (Array.isArray(entrypoint) && entrypoint.length === 0);
  const argvKnown = (entrypoint !== undefined && entrypoint !== null && entrypoint.length > 0) || (entrypointReset && (service.command?.length ?? 0) > 0);
  const supervise = !needsRestart ? undefined : argvKnown ? "wrap" : service.build !== undefined ? "annotate" : undefined;
  if (supervise !== undefined) {
    volumes.push({ name: runVolume, emptyDir: { medium: "Memory", sizeLimit: "1Mi" } });
    mounts.push({ name: runVolume, mountPath: runDir });
  }
  const live: ServiceLive = {
    service: service.name,
    container: params.container,
    rules,
    ...(compile ? { compile } : {}),
    restart: !needsRestart ? "none" : supervise !== undefined ? "process" : "pod",
    seededDirs,
    ...(bindFills.length > 0 ? { binds: bindFills.map((r) => r.id) } : {}),
  };
  return { live, volumes, mounts, seeded, ...(supervise ? { supervise } : {}) };
};

/** One directory of the image to copy into a volume (a seeded sync directory, or a compose volume: pod-volumes.ts). */
export interface SeedEntry {
  readonly dir: string;
  readonly volume: string;
  /** A persistent volume: copy only into an empty volume never seeded before, and leave the marker file. */
  readonly once?: boolean;
  readonly subPath?: string;
}

/** The marker a seeded persistent volume keeps, so a restart never copies over its data. */
export const seedMarker = ".devloop-seeded";

/**
 * The seed container's sh script: copy each directory's image content into its volume (missing or empty = nothing),
 * volume i mounted at /.devloop-seed/i. A persistent volume is filled only when it is empty (lost+found aside) and has
 * no marker, as Docker fills a volume on first use; the marker is written only when something was copied.
 */
export const seedScript = (entries: readonly SeedEntry[]): string =>
  entries
    .map(({ dir, once }, i) => {
      const from = shellQuote(dir);
      const to = shellQuote(`${seedMountRoot}/${i}`);
      // Files the user cannot read are left out (the app could not read them either); the pod still starts.
      const warn = `echo ${shellQuote(`devloop-seed: some files of ${dir} were not copied`)} >&2`;
      if (once !== true) return `if [ -d ${from} ]; then cp -Rp ${from}/. ${to}/ || ${warn}; fi`;
      const marker = shellQuote(`${seedMountRoot}/${i}/${seedMarker}`);
      return `if [ -d ${from} ] && [ ! -e ${marker} ] && [ -n "$(ls -A ${from})" ]; then case "$(ls -A ${to})" in ""|lost+found) { cp -Rp ${from}/. ${to}/ || ${warn}; }; : > ${marker};; esac; fi`;
    })
    .join("\n");

/**
 * Requests small (it only copies), capped by the app's limits; limits the app's (a namespace LimitRange gives a
 * container without limits its defaults, devloop's is 1 CPU / 1Gi, so the pod is admitted either way).
 */
export const seedResources = (service: ServiceSpec): Record<string, Record<string, string>> => {
  const limits = service.deploy?.resources.limits;
  const cpu = limits?.cpus !== undefined && limits.cpus > 0 ? limits.cpus : undefined;
  const memory = limits?.memory !== undefined && limits.memory > 0 ? limits.memory : undefined;
  const limitList = { ...(cpu === undefined ? {} : { cpu: formatCpu(cpu) }), ...(memory === undefined ? {} : { memory: formatBytes(memory) }) };
  return {
    requests: { cpu: formatCpu(Math.min(SEED_CPU, cpu ?? SEED_CPU)), memory: formatBytes(Math.min(SEED_MEMORY, memory ?? SEED_MEMORY)) },
    ...(Object.keys(limitList).length > 0 ? { limits: limitList } : {}),
  };
};

/**
 * The "devloop-seed" init container (first of the pod's init containers): the app's image and securityContext, so
 * it runs as the same user and the copies are the app's to overwrite. It fills the seeded sync directories and the
 * compose volumes that Docker would fill from the image. Undefined when nothing is seeded.
 */
export const seedContainer = (entries: readonly SeedEntry[], service: ServiceSpec, app: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined => {
  if (entries.length === 0) return undefined;
  return {
    name: app["name"] === seedContainerName ? `${seedContainerName}-init` : seedContainerName,
    image: app["image"],
    ...(app["imagePullPolicy"] === undefined ? {} : { imagePullPolicy: app["imagePullPolicy"] }),
    command: ["/bin/sh", "-c", escapeKubeExpansion(seedScript(entries))],
    resources: seedResources(service),
    ...(app["securityContext"] === undefined ? {} : { securityContext: app["securityContext"] }),
    volumeMounts: entries.map(({ volume, subPath }, i) => ({ name: volume, mountPath: `${seedMountRoot}/${i}`, ...(subPath === undefined ? {} : { subPath }) })),
  };
};
