/**
 * Directory bind mounts of source (`.:/app`, `./src:/app/src`) as Docker runs them (issue 10): the container's process
 * starts with the project tree already at the target, and local edits reach it through the live sync engine.
 *
 *   the volume        the bind's emptyDir (pod-volumes.ts): Docker's bind hides what the image has at the target, and so
 *                     does the emptyDir; it is not seeded from the image.
 *   "devloop-bind"    the last init container: the app's image and user, the bind volumes mounted at their targets, a
 *                     small memory volume at /.devloop-bind. It waits until /.devloop-bind/ready exists. Meanwhile the
 *                     sync controller puts the local tree into it through the same syncer as every edit (tar over exec,
 *                     atomic replace, the ignore files), then creates the ready file; the init container exits and
 *                     the app container starts with the tree in place. A new pod (restart, reschedule, scale) waits the
 *                     same way, so it always starts with the current tree.
 *   the app waits     that is what translate writes, and `render` shows. At apply (engine/bind-wait.ts, `render
 *                     --as-applied`), where the container's argv is known (its compose entrypoint, the image devloop
 *                     built, or an image on the Docker engine the kubelet runs on), devloop-bind is folded into the app container instead: its command waits for the
 *                     ready file itself (bindWaitScript, or the supervisor's script with bindWaitLine first), it mounts
 *                     the memory volume, and a startupProbe on the file (bindWaitProbe) keeps it not started and not
 *                     ready until then. The fill goes into the app container, and the kubelet's handover from an
 *                     ended init container (its next relist, then the app container's create and start: ~1.8 s of a
 *                     quiet first up) is gone. The file survives a container restart (a pod volume): a restarted
 *                     container does not wait again, and finds the tree. The init container stays where argv is not
 *                     known (an image devloop did not build, without a compose entrypoint, when the cluster does not
 *                     run on the local Docker engine or the tag is :latest), where another container also mounts the
 *                     binds (volumes_from), and in `devloop run` pods.
 *   the live rule     one "sync" rule per bind ("<service>:bind[<index>]"): edits are synced into the app container.
 *                     Paths another mount covers inside the bind (an anonymous volume over node_modules) are ignored:
 *                     under Docker that mount hides the host's copy, and the image's content seeded there stays.
 *                     A develop.watch sync rule from the same directory to the same target already does this: then
 *                     that rule fills the volume and no second rule is added.
 *   the way back      unless the bind is `:ro`, the rule carries `pull`: what the container creates or changes there
 *                     comes back to the host (sync/pull-plan.ts), as through a Docker bind mount.
 *   `devloop run`     its one-off pod keeps devloop-bind and gets "devloop-run-binds" beside the command's container
 *                     (runBindsContainer): the bind volumes at their targets, through which the daemon syncs and pulls,
 *                     and which ends only once the daemon has looked at the binds after the command ended (the done
 *                     file), so what the command wrote just before it ended comes back too.
 * Pure: which mounts exist comes from pod-volumes.ts.
 */
import path from "node:path";
import type { ServiceSpec } from "../compose/types.js";
import { escapeKubeExpansion } from "./escape.js";
import { toDnsLabel } from "./names.js";
import type { PodVolume, VolumeMount } from "./pod-volumes.js";
import type { LiveRule, SyncMapping } from "./types.js";

const posix = path.posix;

/** Name of the init container that holds the pod until devloop has put the bind-mounted trees in place. */
export const bindContainerName = "devloop-bind";
/** Where the bind init container looks for its go signal (a memory volume only it mounts). */
export const bindSignalDir = "/.devloop-bind";
export const bindReadyFile = `${bindSignalDir}/ready`;
const bindSignalVolume = "devloop-bind-signal";

export const bindRuleId = (service: string, index: number): string => `${service}:bind[${index}]`;

/** The devloop-bind container of a sidecar's binds, as pod-join.ts renames a sidecar's init containers in its host's pod. */
export const sidecarBindContainer = (container: string): string => toDnsLabel(`${bindContainerName}-${container}`);

const clean = (p: string): string => {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
};

/** `dir` itself or a path under it. */
const under = (dir: string, p: string): boolean => p === dir || dir === "/" || p.startsWith(`${dir}/`);

/**
 * The live rules of a service's directory binds. `mounts` are all the app container's compose mounts: those strictly
 * inside a bind's target become ignore patterns of its rule (anchored at the bind's root, as a gitignore line).
 */
export const bindRules = (service: ServiceSpec, binds: readonly SyncMapping[], mounts: readonly VolumeMount[]): LiveRule[] =>
  binds.map((bind, index) => {
    const target = clean(bind.target);
    const hidden = mounts
      .map((m) => clean(m.mountPath))
      .filter((m) => m !== target && under(target, m))
      .map((m) => posix.relative(target, m));
    const context = service.build?.context;
    const inContext = context !== undefined && (bind.source === context || !path.relative(context, bind.source).startsWith(".."));
    return {
      id: bindRuleId(service.name, index),
      action: "sync",
      path: bind.source,
      localRoot: bind.source,
      targetDir: target,
      ignore: hidden.map((h) => `/${h}/`),
      include: [],
      ...(inContext ? { contextDir: context } : {}),
      initialSync: true,
      ...(bind.readOnly === true ? {} : { pull: { hidden } }),
    };
  });

/** A develop.watch sync rule that already syncs the bind's directory to its target (then it fills the bind). */
export const sameAsBind = (rule: LiveRule, bind: LiveRule): boolean =>
  rule.only === undefined && rule.targetDir !== undefined && clean(rule.targetDir) === bind.targetDir && path.resolve(rule.localRoot) === path.resolve(bind.localRoot) && rule.action !== "rebuild" && rule.action !== "restart";

/**
 * The init container's script: wait for the ready file (devloop creates it once every bind holds the tree), then a
 * moment more, so the exec that created it has returned before the container ends.
 */
const waitScript = `echo "devloop-bind: waiting for devloop to put the bind-mounted source in place" >&2
until [ -e ${bindReadyFile} ]; do sleep 0.1 2>/dev/null || sleep 1; done
sleep 0.2 2>/dev/null || true`;

/**
 * The app container's own wait for the ready file (engine/bind-wait.ts, when its command line is known at apply): a line
 * of its sh -c before the command starts, with SIGTERM/SIGINT trapped so a pod deleted while it waits ends at once (sh
 * as PID 1 has no default handlers). The ready file is in the pod's memory volume, so a restarted container (or a
 * process the supervisor restarts) finds it and does not wait again.
 */
export const bindWaitLine = `until [ -e ${bindReadyFile} ]; do sleep 0.05 2>/dev/null || sleep 1; done`;
export const bindWaitScript = `trap 'exit 143' TERM INT\n${bindWaitLine}\nexec "$@"`;
/** The $0 of that sh -c. */
export const bindWaitName = bindContainerName;

/**
 * The startupProbe of a container that waits for its fill: it is not started (so not ready, and no other probe runs)
 * until the ready file exists; the kubelet tries once a second, and gives up only after ~11 days (the daemon may be
 * stopped while a pod waits; an init container would wait for ever too).
 */
export const bindWaitProbe = {
  exec: { command: ["/bin/sh", "-c", `[ -e ${bindReadyFile} ]`] },
  periodSeconds: 1,
  failureThreshold: 1_000_000,
} as const;

/** Set on a pod once its app container has started after its fill (engine/controllers/sync-controller.ts). */
export const bindFilledAnnotation = "devloop.dev/bind-filled";

/** The container waits for its fill itself (its startupProbe is bindWaitProbe): how the pod's status is read. */
export const isBindWaitProbe = (probe: unknown): boolean =>
  JSON.stringify((probe as { exec?: { command?: unknown } } | undefined)?.exec?.command) === JSON.stringify(bindWaitProbe.exec.command);

/** The container of a `devloop run` pod the daemon syncs its binds through, and the file that lets it end. */
export const runBindsContainerName = "devloop-run-binds";
export const runBindsDoneFile = `${bindSignalDir}/done`;

const runBindsScript = `until [ -e ${runBindsDoneFile} ]; do sleep 0.2 2>/dev/null || sleep 1; done`;

/**
 * The devloop-run-binds container of a `devloop run` pod, from the pod's devloop-bind init container: its image, user
 * and mounts (the binds at their targets, the signal volume), waiting for the done file. It asks for little (10m CPU,
 * 16Mi) beside the command's container, and keeps the init container's limits.
 */
export const runBindsContainer = (bindInit: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const limits = (bindInit["resources"] as { limits?: unknown } | undefined)?.limits;
  return {
    name: runBindsContainerName,
    image: bindInit["image"],
    ...(bindInit["imagePullPolicy"] === undefined ? {} : { imagePullPolicy: bindInit["imagePullPolicy"] }),
    command: ["/bin/sh", "-c", runBindsScript],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, ...(limits === undefined ? {} : { limits }) },
    ...(bindInit["securityContext"] === undefined ? {} : { securityContext: bindInit["securityContext"] }),
    volumeMounts: bindInit["volumeMounts"],
  };
};

export interface BindInit {
  readonly container: Record<string, unknown>;
  readonly volume: PodVolume;
}

/**
 * The "devloop-bind" init container: the app's image, user and resources, the bind volumes at their targets (as the
 * app mounts them, so the syncer's paths are the same), and the signal volume. Undefined without directory binds.
 */
export const bindInitContainer = (binds: readonly SyncMapping[], app: Readonly<Record<string, unknown>>, resources: Record<string, unknown>): BindInit | undefined => {
  if (binds.length === 0) return undefined;
  return {
    container: {
      name: bindContainerName,
      image: app["image"],
      ...(app["imagePullPolicy"] === undefined ? {} : { imagePullPolicy: app["imagePullPolicy"] }),
      command: ["/bin/sh", "-c", escapeKubeExpansion(waitScript)],
      resources,
      ...(app["securityContext"] === undefined ? {} : { securityContext: app["securityContext"] }),
      volumeMounts: [
        // Outer directories first, so a nested bind (./src:/app/src under .:/app) is mounted over its parent.
        ...[...binds].sort((a, b) => clean(a.target).length - clean(b.target).length).map((b) => ({ name: b.volumeName, mountPath: clean(b.target) })),
        { name: bindSignalVolume, mountPath: bindSignalDir },
      ],
    },
    volume: { name: bindSignalVolume, emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
  };
};
